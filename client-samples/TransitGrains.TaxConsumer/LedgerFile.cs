using System.Text.Json;

namespace TransitGrains.TaxConsumer;

/// <summary>Where the ledger lives between runs.</summary>
public interface ILedgerStore
{
    RefundLedger Load();

    /// <summary>Returns only once the ledger is durable: a message is deleted from the queue after this.</summary>
    Task SaveAsync(RefundLedger ledger, CancellationToken ct);
}

/// <summary>The ledger as one JSON file, replaced atomically so a crash never leaves half a file.</summary>
public sealed class LedgerFile(string path) : ILedgerStore
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public RefundLedger Load()
    {
        if (!File.Exists(Path))
        {
            return new RefundLedger();
        }

        using var stream = File.OpenRead(Path);
        return JsonSerializer.Deserialize<RefundLedger>(stream, RefundTrigger.Json)
            ?? throw new InvalidDataException($"Ledger file {Path} holds JSON null.");
    }

    public async Task SaveAsync(RefundLedger ledger, CancellationToken ct)
    {
        var temp = Path + ".tmp";
        await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            await JsonSerializer.SerializeAsync(stream, ledger, RefundTrigger.Json, ct);
            // Flush to disk before the rename, or a power cut could keep the rename and lose the data.
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, Path, overwrite: true);
    }
}
