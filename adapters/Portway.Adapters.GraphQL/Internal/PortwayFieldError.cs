using GraphQL;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>A field's taxonomy error, shown in <c>errors[]</c> with <c>extensions.code</c> = <see cref="PortwayError.Code"/>.</summary>
internal sealed class PortwayFieldError : ExecutionError
{
    public PortwayFieldError(PortwayError error)
        : base(error.Message)
    {
        Code = error.Code;
    }
}
