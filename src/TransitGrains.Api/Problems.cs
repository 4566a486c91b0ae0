using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using TransitGrains.Domain.Validation;

namespace TransitGrains.Api;

/// <summary>RFC 9457 problem details, each with a title and a detail a person can act on.</summary>
public static class Problems
{
    public static ProblemHttpResult Validation(ValidationErrors errors, string detail = "The request has invalid fields; see errors.") =>
        Validation(errors.ToDictionary(), detail);

    public static ProblemHttpResult Validation(IReadOnlyDictionary<string, string[]> errors, string detail) =>
        TypedResults.Problem(
            title: "Invalid request",
            detail: detail,
            statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?> { ["errors"] = errors });

    public static ProblemHttpResult Field(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] }, $"{field}: {message}");

    public static ProblemHttpResult BadBody(string detail) =>
        TypedResults.Problem(title: "Unreadable request body", detail: detail, statusCode: StatusCodes.Status400BadRequest);

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(title: "Not found", detail: detail, statusCode: StatusCodes.Status404NotFound);

    public static ProblemHttpResult Conflict(string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(title: "Conflict", detail: detail, statusCode: StatusCodes.Status409Conflict, extensions: extensions);

    public static ProblemHttpResult Unauthorized() =>
        TypedResults.Problem(
            title: "Unauthorized",
            detail: $"Send a valid API key in the {ApiKeyRegistry.Header} header.",
            statusCode: StatusCodes.Status401Unauthorized);

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(title: "Forbidden", detail: detail, statusCode: StatusCodes.Status403Forbidden);

    public static ProblemHttpResult StoreUnavailable(int retryAfterSeconds) =>
        TypedResults.Problem(
            title: "Store unavailable",
            detail: "The store is unavailable: its database cannot be reached, or the cluster is still forming. Nothing in this "
                + $"request was acknowledged. Send the same request again after {retryAfterSeconds} s (Retry-After); events "
                + "already stored are answered DUPLICATE.",
            statusCode: StatusCodes.Status503ServiceUnavailable);

    public static ProblemHttpResult TooManyRequests(string who, int retryAfterSeconds) =>
        TypedResults.Problem(
            title: "Too many requests",
            detail: $"{who} is over its request budget; nothing was done. Retry after {retryAfterSeconds} s (Retry-After).",
            statusCode: StatusCodes.Status429TooManyRequests);
}
