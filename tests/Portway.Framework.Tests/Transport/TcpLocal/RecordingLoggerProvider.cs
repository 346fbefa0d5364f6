using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Portway.Framework.Tests.Transport.TcpLocal;

/// <summary>Keeps every formatted log message, so tests can assert what was logged (and what was not).</summary>
internal sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _messages = new();

    public IReadOnlyList<string> Messages => _messages.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(RecordingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._messages.Enqueue($"{logLevel} {eventId.Id} {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
    }
}
