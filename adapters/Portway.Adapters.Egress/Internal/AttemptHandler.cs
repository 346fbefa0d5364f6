namespace Portway.Adapters.Egress.Internal;

/// <summary>
/// The innermost handler, run once per attempt: counts the attempt and reads the whole body inside it (bounded by
/// <c>max_response_bytes</c>), so the per-attempt timeout covers a peer that sends headers and then stalls.
/// </summary>
internal sealed class AttemptHandler(long maxResponseBytes) : DelegatingHandler
{
    /// <summary>The request option counting the attempts of one call.</summary>
    public static readonly HttpRequestOptionsKey<StrongBoxInt> Attempts = new("portway.egress.attempts");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(Attempts, out var attempts))
        {
            Interlocked.Increment(ref attempts.Value);
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            if (response.Content.Headers.ContentLength > maxResponseBytes)
            {
                throw new ResponseTooLargeException(maxResponseBytes);
            }

            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                using var body = new MemoryStream();
                var chunk = new byte[16 * 1024];
                int read;
                while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (body.Length + read > maxResponseBytes)
                    {
                        throw new ResponseTooLargeException(maxResponseBytes);
                    }

                    body.Write(chunk, 0, read);
                }

                var buffered = new ByteArrayContent(body.ToArray());
                foreach (var header in response.Content.Headers)
                {
                    buffered.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }

                response.Content.Dispose();
                response.Content = buffered;
            }

            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
