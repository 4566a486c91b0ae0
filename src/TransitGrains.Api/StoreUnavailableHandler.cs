using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TransitGrains.Abstractions;

namespace TransitGrains.Api;

/// <summary>
/// api.md, "Faults": a request the service cannot serve now because the store or the cluster cannot do the work (see
/// <see cref="StoreUnavailableException.Explains"/>, wherever in the grains it failed) is answered 503 problem details
/// with Retry-After, never a bare 500. Nothing in it was acknowledged: every answer comes only after everything is stored.
/// </summary>
internal sealed partial class StoreUnavailableHandler(ILogger<StoreUnavailableHandler> logger) : IExceptionHandler
{
    /// <summary>Long enough for a database restart or a cluster change to get on, short enough that reports keep flowing.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!StoreUnavailableException.Explains(exception))
        {
            return false;
        }

        LogAnswered(httpContext.Request.Method, httpContext.Request.Path, exception.GetBaseException().Message);
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        await Problems.StoreUnavailable(RetryAfterSeconds).ExecuteAsync(httpContext);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503, the store is unavailable: {Reason}")]
    private partial void LogAnswered(string method, string path, string reason);
}
