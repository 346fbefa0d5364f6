using GraphQL;
using GraphQL.Execution;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>
/// Writes each error of <c>errors[]</c> as <c>{message, locations, path, extensions: {code, request_id[, graphql_code][, retry_after_s]}}</c>:
/// <c>code</c> is always a taxonomy code (set by <see cref="Classify"/>), <c>graphql_code</c> graphql-dotnet's own
/// code for parse and validation errors. Exception details are never written.
/// </summary>
internal sealed class PortwayErrorInfoProvider : IErrorInfoProvider
{
    public ErrorInfo GetInfo(ExecutionError executionError)
    {
        ArgumentNullException.ThrowIfNull(executionError);
        return new ErrorInfo { Message = executionError.Message, Extensions = executionError.Extensions };
    }

    /// <summary>Gives every error its taxonomy code and the request id, in <see cref="ExecutionError.Extensions"/>.</summary>
    public static void Classify(IEnumerable<ExecutionError>? errors, string requestId)
    {
        if (errors is null)
        {
            return;
        }

        foreach (var error in errors)
        {
            var extensions = new Dictionary<string, object?>(StringComparer.Ordinal) { ["code"] = CodeOf(error), ["request_id"] = requestId };
            if (error is not PortwayFieldError && error.Code is { Length: > 0 } graphQLCode)
            {
                extensions["graphql_code"] = graphQLCode;
            }

            if (error is PortwayFieldError { RetryAfterSeconds: > 0 } limited)
            {
                extensions["retry_after_s"] = limited.RetryAfterSeconds;
            }

            error.Extensions = extensions;
        }
    }

    /// <summary>The taxonomy code of an error.</summary>
    public static string CodeOf(ExecutionError error) => error switch
    {
        PortwayFieldError field => field.Code ?? ErrorCode.Internal,
        OperationNotAllowedError refused => refused.TaxonomyCode,
        DocumentError => ErrorCode.ValidationFailed,
        _ => ErrorCode.Internal,
    };
}
