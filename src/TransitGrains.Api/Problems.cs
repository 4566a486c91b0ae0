using Microsoft.AspNetCore.Http;
using TransitGrains.Domain.Validation;

namespace TransitGrains.Api;

/// <summary>RFC 9457 problem details, each with a title and a detail a person can act on.</summary>
public static class Problems
{
    public static IResult Validation(ValidationErrors errors, string detail = "The request has invalid fields; see errors.") =>
        Validation(errors.ToDictionary(), detail);

    public static IResult Validation(IReadOnlyDictionary<string, string[]> errors, string detail) =>
        Results.Problem(
            title: "Invalid request",
            detail: detail,
            statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?> { ["errors"] = errors });

    public static IResult Field(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] }, $"{field}: {message}");

    public static IResult BadBody(string detail) =>
        Results.Problem(title: "Unreadable request body", detail: detail, statusCode: StatusCodes.Status400BadRequest);

    public static IResult NotFound(string detail) =>
        Results.Problem(title: "Not found", detail: detail, statusCode: StatusCodes.Status404NotFound);

    public static IResult Conflict(string detail, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(title: "Conflict", detail: detail, statusCode: StatusCodes.Status409Conflict, extensions: extensions);

    public static IResult Unauthorized() =>
        Results.Problem(
            title: "Unauthorized",
            detail: $"Send a valid API key in the {ApiKeyRegistry.Header} header.",
            statusCode: StatusCodes.Status401Unauthorized);

    public static IResult Forbidden(string detail) =>
        Results.Problem(title: "Forbidden", detail: detail, statusCode: StatusCodes.Status403Forbidden);

    public static IResult StoreUnavailable(int retryAfterSeconds) =>
        Results.Problem(
            title: "Store unavailable",
            detail: "The store is unavailable: its database cannot be reached, or the cluster is still forming. Nothing in this "
                + $"request was acknowledged. Send the same request again after {retryAfterSeconds} s (Retry-After); events "
                + "already stored are answered DUPLICATE.",
            statusCode: StatusCodes.Status503ServiceUnavailable);

    public static IResult TooManyRequests(string who, int retryAfterSeconds) =>
        Results.Problem(
            title: "Too many requests",
            detail: $"{who} is over its request budget; nothing was done. Retry after {retryAfterSeconds} s (Retry-After).",
            statusCode: StatusCodes.Status429TooManyRequests);
}
