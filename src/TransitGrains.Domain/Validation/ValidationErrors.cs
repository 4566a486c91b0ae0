namespace TransitGrains.Domain.Validation;

/// <summary>Field-named validation errors, shaped like the <c>errors</c> member of RFC 9457 problem details.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsEmpty => _errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
    }

    public IReadOnlyDictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>One line a person can act on, e.g. for a rejected event's <c>error</c>.</summary>
    public override string ToString() =>
        string.Join("; ", _errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}")));
}

/// <summary>Either a valid value or the errors that prevented it.</summary>
public sealed record Validated<T>(T? Value, ValidationErrors Errors) where T : class
{
    public bool IsValid => Value is not null && Errors.IsEmpty;
}
