using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using TransitGrains.Abstractions;

namespace TransitGrains.Webhooks;

/// <summary>
/// Seals signing keys with ASP.NET Core Data Protection (authenticated encryption under the key ring's current key; any
/// key of the ring opens what it sealed, expired ones too, so a rollover never loses a secret).
/// </summary>
public sealed class DataProtectionSigningKeySeal(IDataProtectionProvider protection) : ISigningKeySeal
{
    /// <summary>Part of every sealed key: changing it would leave every stored secret unopenable.</summary>
    public const string Purpose = "TransitGrains.Webhooks.SigningKey";

    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);

    public byte[] Seal(byte[] key) => _protector.Protect(key);

    public byte[] Open(byte[] sealedKey) => _protector.Unprotect(sealedKey);

    /// <summary>
    /// Authenticated: a key stored in plain text (random bytes, or a secret a subscriber chose) never opens, and a sealed
    /// one always does while the ring holds the key that sealed it.
    /// </summary>
    public bool IsSealed(byte[] stored)
    {
        try
        {
            CryptographicOperations.ZeroMemory(_protector.Unprotect(stored));
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
