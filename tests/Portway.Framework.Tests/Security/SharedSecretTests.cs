using Portway.Configuration;
using Portway.Internal.Security;

namespace Portway.Framework.Tests.Security;

/// <summary>The secret hosts and workers of a redis transport share: PORTWAY_IPC_SECRET, else auth.secret_file.</summary>
public sealed class SharedSecretTests
{
    private const string Secret = "0123456789abcdef0123456789abcdef";

    [Fact]
    public void FromShared_Environment_WinsOverTheFile()
    {
        var secret = IpcSecret.FromShared(new IpcAuthConfig { SecretFile = "/nonexistent" }, " " + Secret + "\n");

        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(Secret), secret.Key);
    }

    [Fact]
    public void FromShared_File_IsReadAndTrimmed()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, Secret + "\n");

            var secret = IpcSecret.FromShared(new IpcAuthConfig { SecretFile = file }, environment: null);

            Assert.Equal(System.Text.Encoding.UTF8.GetBytes(Secret), secret.Key);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void FromShared_NeitherSet_SaysHowToSetIt()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => IpcSecret.FromShared(new IpcAuthConfig(), environment: ""));

        Assert.Contains("export PORTWAY_IPC_SECRET=$(openssl rand -hex 32)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("execution_ipc.auth.secret_file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromShared_TooShort_IsRefused()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => IpcSecret.FromShared(new IpcAuthConfig(), environment: "short"));

        Assert.StartsWith("PORTWAY_IPC_SECRET: the shared secret has 5 characters, at least 32", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromShared_MissingFile_NamesIt()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => IpcSecret.FromShared(new IpcAuthConfig { SecretFile = "/nonexistent/secret" }, environment: null));

        Assert.StartsWith("execution_ipc.auth.secret_file: cannot read '/nonexistent/secret'", ex.Message, StringComparison.Ordinal);
    }
}
