using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Portway.Adapters.Http.Internal;
using Portway.Configuration;

namespace Portway.Adapters.Http;

/// <summary>Sets Kestrel up for the config's listener.</summary>
public static class PortwayWebHostBuilderExtensions
{
    /// <summary>
    /// Listens on <paramref name="urls"/> (else <c>runtime.web.listen</c>) with HTTP/1.1 and HTTP/2 on the same
    /// listener: on <c>http://</c> a client speaking HTTP/2 with prior knowledge (h2c) gets HTTP/2, on
    /// <c>https://</c> ALPN chooses, with the certificate of <c>runtime.web.tls</c> (loaded now, so a bad one
    /// stops startup with a <see cref="TlsCertificateException"/>).
    /// </summary>
    public static IWebHostBuilder UsePortwayKestrel(this IWebHostBuilder builder, PortwayConfig config, string? urls = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(config);
        var certificate = config.Runtime.Web.Tls is { } tls ? TlsCertificateLoader.Load(tls) : null;
        builder.UseUrls(urls ?? config.Runtime.Web.Listen);
        if (certificate is not null)
        {
            builder.UseKestrelHttpsConfiguration();
        }

        builder.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            // An h2c connection looks like TLS to Kestrel (see H2cPriorKnowledge); its requests say :scheme http.
            kestrel.AllowAlternateSchemes = true;
            kestrel.ConfigureEndpointDefaults(listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                var options = listen.KestrelServerOptions;
                var time = listen.ApplicationServices.GetService<TimeProvider>() ?? TimeProvider.System;
                listen.Use(next => H2cPriorKnowledge.Middleware(next, () => options.Limits.RequestHeadersTimeout, time));
            });
            if (certificate is not null)
            {
                kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate);
            }
        });
        return builder;
    }
}
