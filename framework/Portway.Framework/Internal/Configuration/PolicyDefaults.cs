using Portway.Configuration;

namespace Portway.Internal.Configuration;

/// <summary>The effective values of policy keys a config may leave out.</summary>
internal static class PolicyDefaults
{
    /// <summary>An endpoint's own <c>auth</c>, else its interface's, else <c>required</c> when <c>jwt</c> is set, else <c>none</c>.</summary>
    public static string Auth(string own, InterfaceConfig iface, WebConfig web) =>
        own.Length > 0 ? own : iface.Auth.Length > 0 ? iface.Auth : web.Auth.Jwt is null ? "none" : "required";
}
