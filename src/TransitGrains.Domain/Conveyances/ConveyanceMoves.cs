using Orleans;
using TransitGrains.Domain.Events;
using TransitGrains.Domain.Identifiers;

namespace TransitGrains.Domain.Conveyances;

/// <summary>
/// What a conveyance keeps of the LOAD/DISC of its containers: per container only its latest actual move in fold
/// order, as that alone decides whether it is aboard. So recording is order-free and idempotent by construction (a
/// repeat or an older move changes nothing), and no event ids need keeping to recognise a redelivery.
/// </summary>
[GenerateSerializer]
public sealed class ConveyanceMoves
{
    [Id(0)] private readonly Dictionary<ContainerNumber, LatestMove> _latest = [];

    // Planned and estimated moves board no one, so only the fact that one was reported is kept: it makes the conveyance known.
    [Id(1)] private bool _reported;

    /// <summary>No LOAD or DISC of any classifier has been reported.</summary>
    public bool IsEmpty => !_reported;

    /// <summary>Containers whose latest actual move on this conveyance is a LOAD.</summary>
    public IEnumerable<ContainerNumber> Loaded =>
        _latest.Where(p => p.Value.EventCode == EventCode.LOAD).Select(p => p.Key);

    /// <summary>Records a LOAD or DISC; true when that changed what is kept.</summary>
    public bool Record(TransitEvent move)
    {
        var changed = !_reported;
        _reported = true;
        if (!move.IsActual || move.ContainerNumber is not { } container)
        {
            return changed;
        }

        var position = move.Position;
        if (_latest.TryGetValue(container, out var kept) && kept.Position >= position)
        {
            return changed;
        }

        _latest[container] = new LatestMove(move.EventCode, position);
        return true;
    }

    /// <summary>Whether the container has an actual move on this conveyance: then that move decides, not a booked leg.</summary>
    public bool HasMoved(ContainerNumber container) => _latest.ContainsKey(container);
}

/// <summary>A container's latest actual LOAD or DISC on a conveyance: its code, and its fold position to compare a later report with.</summary>
[GenerateSerializer, Immutable]
public readonly record struct LatestMove([property: Id(0)] EventCode EventCode, [property: Id(1)] FoldPosition Position);
