using GraphQL.Validation;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>An operation the transport refuses; <see cref="TaxonomyCode"/> is what <c>extensions.code</c> shows.</summary>
internal sealed class OperationNotAllowedError(ValidationContext context, string taxonomyCode, string message)
    : ValidationError(context.Document.Source, null, message, context.Operation)
{
    public string TaxonomyCode { get; } = taxonomyCode;
}
