using System.Text.Json.Serialization;

namespace Portway.Internal.Transport.TcpLocal;

/// <summary>
/// What the host hands a worker on its stdin, as one JSON line: never on the command line or in the
/// environment, never logged (<see cref="ToString"/> hides the secret).
/// </summary>
internal sealed record WorkerBootstrap(
    [property: JsonPropertyName("group")] string Group,
    [property: JsonPropertyName("worker")] string WorkerId,
    [property: JsonPropertyName("host")] string Host,
    [property: JsonPropertyName("port")] int Port,
    [property: JsonPropertyName("secret")] string SecretBase64,
    [property: JsonPropertyName("config")] string ConfigText,
    [property: JsonPropertyName("source")] string ConfigSource,
    [property: JsonPropertyName("data_dir")] string DataDir,
    [property: JsonPropertyName("admission")] string AdmissionBase64)
{
    public override string ToString() => $"WorkerBootstrap(group={Group}, worker={WorkerId}, {Host}:{Port}, secret=***, admission=***)";
}
