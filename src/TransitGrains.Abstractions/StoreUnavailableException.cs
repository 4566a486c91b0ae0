using System.Data.Common;
using Orleans;
using Orleans.Runtime;

namespace TransitGrains.Abstractions;

/// <summary>
/// What a request must store (or read) cannot be stored now: the database is down or cannot be reached, or the outcome of
/// a write is unknown because the connection broke under it. Nothing the request did is acknowledged; the same request
/// sent again later is safe (api.md, "Faults": 503 with Retry-After). An Orleans exception, so that grain storage passes
/// it on as it is and it crosses silos with its type.
/// </summary>
[GenerateSerializer]
public sealed class StoreUnavailableException : OrleansException
{
    public StoreUnavailableException()
    {
    }

    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    public StoreUnavailableException(string message, Exception cause)
        : base(message, cause)
    {
    }

    /// <summary>
    /// Whether <paramref name="failure"/>, or what it wraps, means that the store or the cluster cannot do the work now
    /// while the same request may succeed later: this exception (the PostgreSQL store's), a transient database failure
    /// (a provider that reports its own, such as Orleans' ADO.NET ones), a call or statement that timed out, or a grain call
    /// the cluster rejected (a silo gone or not yet known, activations moving while the cluster forms).
    /// </summary>
    public static bool Explains(Exception failure)
    {
        for (var cause = failure; cause is not null; cause = cause.InnerException)
        {
            if (cause is StoreUnavailableException or DbException { IsTransient: true } or TimeoutException or OrleansMessageRejectionException)
            {
                return true;
            }
        }

        return false;
    }
}
