namespace Portway.Pipelines.VoiceProfiles;

/// <summary>A stored voice profile, and the file format: <c>{"tenant","profile","vector":[8]}</c>.</summary>
internal sealed record VoiceProfile(string Tenant, string Profile, double[] Vector);
