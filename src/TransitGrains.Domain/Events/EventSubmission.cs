namespace TransitGrains.Domain.Events;

/// <summary>
/// One event as a partner sent it, every field still text: validation turns it into a
/// <see cref="TransitEvent"/> or names what is wrong with it.
/// </summary>
public sealed record EventSubmission(
    string? EventId,
    string? EventType,
    string? EventCode,
    string? Classifier,
    string? EventDateTime,
    string? Location,
    string? Facility,
    string? ModeOfTransport,
    string? ConveyanceId,
    string? ContainerNumber,
    string? DeclarationNumber,
    string? EmptyIndicator = null);
