using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace TransitGrains.Api;

/// <summary>
/// A request the framework could not bind (a body that is not JSON of the expected shape, no body where one is needed,
/// a query value of the wrong type) is answered 400 problem details naming where it broke, never a bare status.
/// </summary>
internal sealed class UnreadableRequestHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        await Problem(bad).ExecuteAsync(httpContext);
        return true;
    }

    private static IResult Problem(BadHttpRequestException bad)
    {
        if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return TypedResults.Problem(
                title: "Unsupported media type", detail: "Send the body as application/json.", statusCode: bad.StatusCode);
        }

        if (bad.InnerException is JsonException json)
        {
            var field = json.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : null;
            var detail = $"The body is not valid JSON of the expected shape{(field is null ? "" : $" at {field}")}.";
            return field is null
                ? Problems.BadBody(detail)
                : Problems.Validation(new Dictionary<string, string[]> { [field] = ["has the wrong JSON type or is malformed"] }, detail);
        }

        // The framework's message names the parameter that could not be read (a missing body among them) and its value.
        return TypedResults.Problem(title: "Unreadable request", detail: bad.Message, statusCode: StatusCodes.Status400BadRequest);
    }
}
