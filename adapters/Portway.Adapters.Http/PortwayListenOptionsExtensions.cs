using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Portway.Adapters.Http.Internal;

namespace Portway.Adapters.Http;

/// <summary>Opt-in HTTP/2 with prior knowledge (h2c) for one listener of an app of your own.</summary>
public static class PortwayListenOptionsExtensions
{
    /// <summary>
    /// Serves HTTP/1.1 and HTTP/2 on this cleartext listener: a client speaking HTTP/2 with prior knowledge (h2c) gets
    /// HTTP/2. Only this listener is affected, except for one server-wide switch it needs: such a connection looks like
    /// TLS to Kestrel, so <see cref="KestrelServerOptions.AllowAlternateSchemes"/> is turned on (a request's
    /// <c>:scheme</c> then says <c>http</c>).
    /// </summary>
    public static ListenOptions UsePortwayH2c(this ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        listen.Protocols = HttpProtocols.Http1AndHttp2;
        var options = listen.KestrelServerOptions;
        options.AllowAlternateSchemes = true;
        var time = listen.ApplicationServices.GetService<TimeProvider>() ?? TimeProvider.System;
        listen.Use(next => H2cPriorKnowledge.Middleware(next, () => options.Limits.RequestHeadersTimeout, time));
        return listen;
    }
}
