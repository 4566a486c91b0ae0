using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TransitGrains.Domain.Identifiers;
using TransitGrains.Domain.Validation;

namespace TransitGrains.Domain.Events;

/// <summary>
/// One event as a partner sent it, every field still text: validation turns it into a
/// <see cref="TransitEvent"/> or names what is wrong with it.
/// </summary>
public sealed record EventSubmission(
    [property: Required, StringLength(EventValidator.MaxEventIdLength, MinimumLength = 1)]
    [property: Description("The same id again is a duplicate, whatever else it says.")]
    string? EventId,
    [property: Required, ChoiceOf(typeof(EventType))]
    [property: Description("TRANSPORT (a conveyance), EQUIPMENT (a container) or CUSTOMS; one the key may report (a port key: "
        + "TRANSPORT and EQUIPMENT unless configured otherwise, a customs key: CUSTOMS).")]
    string? EventType,
    [property: Required, ChoiceOf(typeof(EventCode))]
    [property: Description("TRANSPORT: DEPA ARRI CROS; EQUIPMENT: GTIN GTOT LOAD DISC STUF STRP; CUSTOMS: CUSR CUSI CUSH CUSX.")]
    string? EventCode,
    [property: ChoiceOf(typeof(EventClassifier)), Description("ACT (actual, the default), EST (estimated) or PLN (planned).")]
    string? Classifier,
    [property: Required, DateTimeText, Description("At most 1 day in the future for ACT.")] string? EventDateTime,
    [property: Required, RegularExpression(UnLocode.Pattern)]
    [property: Description("UN/LOCODE; a port or customs key may report only at its own locations.")]
    string? Location,
    [property: Description("Optional: the terminal or yard.")] string? Facility,
    [property: ChoiceOf(typeof(TransportMode)), Description("Needed by TRANSPORT events and LOAD/DISC.")] string? ModeOfTransport,
    [property: StringLength(ReferenceCode.ConveyanceIdMaxLength, MinimumLength = ReferenceCode.ConveyanceIdMinLength)]
    [property: RegularExpression(ReferenceCode.Pattern), Description("Needed by TRANSPORT events and LOAD/DISC.")]
    string? ConveyanceId,
    [property: RegularExpression(ContainerNumber.Pattern), Description("Needed by EQUIPMENT and CUSTOMS events (ISO 6346).")]
    string? ContainerNumber,
    [property: Description("Optional, CUSTOMS events.")] string? DeclarationNumber);
