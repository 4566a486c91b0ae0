using NodaTime;

namespace TransitGrains.PortSimulator;

/// <summary>
/// Events as port, terminal and rail systems report them, in the local time (with offset) of where they happened.
/// Ids are built from what the event is about, so a rerun of the same plan reports the same ids (DUPLICATE).
/// </summary>
public static class PortEvents
{
    public static PortEvent Transport(string code, string mode, string conveyanceId, Place at, Instant when, string classifier = "ACT") => new(
        $"{conveyanceId}-{code}-{at.Code}{(classifier == "ACT" ? "" : $"-{classifier}")}",
        "TRANSPORT", code, classifier, at.Local(when), at.Code, at.Facility, mode, conveyanceId, null, null);

    /// <summary>LOAD and DISC name the conveyance; GTIN and GTOT do not.</summary>
    public static PortEvent Equipment(string reference, string code, string container, Place at, Instant when, string? mode = null, string? conveyanceId = null) => new(
        $"{reference}-{container}-{code}-{at.Code}", "EQUIPMENT", code, "ACT", at.Local(when), at.Code, at.Facility, mode, conveyanceId, container, null);

    public static PortEvent Customs(string reference, string code, string container, Place at, Instant when, string? declaration) => new(
        $"{reference}-{container}-{code}-{at.Code}", "CUSTOMS", code, "ACT", at.Local(when), at.Code, null, null, null, container, declaration);
}
