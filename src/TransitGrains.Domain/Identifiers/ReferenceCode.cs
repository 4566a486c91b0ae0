namespace TransitGrains.Domain.Identifiers;

/// <summary>
/// Shipment and conveyance ids travel in URLs, so they are restricted to <c>A-Z 0-9 - _ .</c>.
/// </summary>
public static class ReferenceCode
{
    /// <summary>A shipment id's length: what a booking and a subscription's shipment filter both accept.</summary>
    public const int ShipmentIdMinLength = 3;
    public const int ShipmentIdMaxLength = 40;

    /// <summary>A conveyance id's length (a train, barge, vessel or truck): in a leg, an event and a conveyance's URL.</summary>
    public const int ConveyanceIdMinLength = 3;
    public const int ConveyanceIdMaxLength = 60;

    /// <summary>The characters <see cref="IsValid"/> accepts, as a regular expression (for the OpenAPI document).</summary>
    public const string Pattern = "^[A-Z0-9_.-]+$";

    public static bool IsShipmentId(string? text) => IsValid(text, ShipmentIdMinLength, ShipmentIdMaxLength);

    public static string ShipmentIdRule => Describe(ShipmentIdMinLength, ShipmentIdMaxLength);

    public static bool IsConveyanceId(string? text) => IsValid(text, ConveyanceIdMinLength, ConveyanceIdMaxLength);

    public static string ConveyanceIdRule => Describe(ConveyanceIdMinLength, ConveyanceIdMaxLength);

    public static bool IsValid(string? text, int minLength, int maxLength)
    {
        if (text is null || text.Length < minLength || text.Length > maxLength)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is not (>= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    public static string Describe(int minLength, int maxLength) =>
        $"{minLength}-{maxLength} characters of A-Z 0-9 - _ . (capital letters only)";
}
