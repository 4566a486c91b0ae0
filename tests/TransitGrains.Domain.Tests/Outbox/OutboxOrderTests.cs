using CsCheck;
using NodaTime;
using TransitGrains.Domain.Outbox;

namespace TransitGrains.Domain.Tests.Outbox;

public class OutboxOrderTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 26, 1, 12);

    private sealed record Entry(string Id, string Lane, Instant? NextAttemptAt = null, bool IsSettled = false, Instant MadeAt = default) : IOutboxEntry;

    private static Entry Waiting(string id, string lane, int seconds) => new(id, lane, Now + Duration.FromSeconds(seconds));

    [Fact]
    public void What_waits_is_every_unsettled_entry_of_every_lane_and_the_oldest_is_the_earliest_made_of_them() =>
        Gen.Select(Gen.Int[0, 3], Gen.Int[-600, 600], Gen.Bool).Array[0, 12].Sample(specs =>
        {
            var entries = specs.Select((s, i) => new Entry($"e{i}", $"L{s.Item1}", IsSettled: s.Item3, MadeAt: Now + Duration.FromSeconds(s.Item2))).ToList();
            var waiting = entries.Where(e => !e.IsSettled).ToList();

            var (count, oldest) = OutboxOrder.Waiting(entries);

            Assert.Equal(waiting.Count, count);
            Assert.Equal(waiting.Count == 0 ? (Instant?)null : waiting.Min(e => e.MadeAt), oldest);
        });

    [Fact]
    public void Each_due_lane_comes_with_its_unsettled_entries_in_the_order_they_were_added()
    {
        Entry[] entries =
        [
            new("a1", "A", IsSettled: true), new("b1", "B"), new("a2", "A"), new("b2", "B"), new("a3", "A"),
        ];

        var lanes = OutboxOrder.DueLanes(entries, Now);

        Assert.Equal([["a2", "a3"], ["b1", "b2"]], lanes.Select(l => l.Select(e => e.Id)).OrderBy(l => l.First()));
    }

    [Fact]
    public void A_failed_entry_holds_back_the_later_entries_of_its_lane_and_only_those()
    {
        Entry[] entries = [Waiting("a1", "A", 5), new("a2", "A"), new("b1", "B")];

        Assert.Equal(["b1"], OutboxOrder.DueLanes(entries, Now).Select(l => l[0].Id));
        Assert.Equal(["a1", "b1"], OutboxOrder.DueLanes(entries, Now + Duration.FromSeconds(5)).Select(l => l[0].Id).Order());
    }

    [Fact]
    public void Whatever_the_entries_a_lane_starts_at_its_first_unsettled_entry_and_keeps_their_order() =>
        Gen.Select(Gen.Int[0, 3], Gen.Int[-10, 10], Gen.Bool).Array[0, 12].Sample(specs =>
        {
            var entries = specs.Select((s, i) => new Entry($"e{i}", $"L{s.Item1}", s.Item2 > 0 ? Now + Duration.FromSeconds(s.Item2) : null, s.Item3)).ToList();
            foreach (var lane in OutboxOrder.DueLanes(entries, Now))
            {
                var all = entries.Where(e => e.Lane == lane[0].Lane && !e.IsSettled).ToList();
                Assert.Equal(all, lane);
                Assert.True(lane[0].NextAttemptAt is null || lane[0].NextAttemptAt <= Now);
            }

            var dueLanes = OutboxOrder.DueLanes(entries, Now).Select(l => l[0].Lane).ToHashSet();
            foreach (var first in entries.Where(e => !e.IsSettled).GroupBy(e => e.Lane).Select(g => g.First()))
            {
                Assert.Equal(first.NextAttemptAt is null || first.NextAttemptAt <= Now, dueLanes.Contains(first.Lane));
            }
        });

    [Fact]
    public void The_wake_up_is_the_safety_net_for_what_is_due_soon_and_the_next_attempt_for_what_waits_longer()
    {
        var safetyNet = Duration.FromMinutes(1);
        Assert.Null(OutboxOrder.WakeUpAt<Entry>([], Now, safetyNet));
        Assert.Null(OutboxOrder.WakeUpAt([new Entry("a", "A", IsSettled: true)], Now, safetyNet));
        Assert.Equal(Now + safetyNet, OutboxOrder.WakeUpAt([new Entry("a", "A")], Now, safetyNet));
        Assert.Equal(Now + safetyNet, OutboxOrder.WakeUpAt([Waiting("a", "A", 30)], Now, safetyNet));
        Assert.Equal(Now + Duration.FromHours(5), OutboxOrder.WakeUpAt([Waiting("a", "A", 5 * 3600)], Now, safetyNet));
        Assert.Equal(Now + Duration.FromHours(2), OutboxOrder.WakeUpAt([Waiting("a", "A", 5 * 3600), Waiting("b", "B", 2 * 3600)], Now, safetyNet));
    }

    [Fact]
    public void Entries_held_back_behind_a_waiting_one_do_not_wake_the_grain_before_their_lane_may_go_on()
    {
        var safetyNet = Duration.FromMinutes(1);
        Assert.Equal(Now + Duration.FromHours(5), OutboxOrder.WakeUpAt([Waiting("a", "A", 5 * 3600), new Entry("b", "A")], Now, safetyNet));
        Assert.Equal(Now + safetyNet, OutboxOrder.WakeUpAt([Waiting("a", "A", 5 * 3600), new Entry("b", "A"), new Entry("c", "C")], Now, safetyNet));
    }

    [Fact]
    public void A_lane_waiting_beyond_the_horizon_is_not_due_soon_even_with_fresh_entries_behind_it()
    {
        Entry[] entries = [Waiting("a1", "A", 300), new("a2", "A")];
        Assert.False(OutboxOrder.AnyDueWithin(entries, Now, Duration.FromMinutes(1)));
        Assert.True(OutboxOrder.AnyDueWithin(entries, Now, Duration.FromMinutes(5)));
        Assert.True(OutboxOrder.AnyDueWithin([.. entries, new Entry("b1", "B")], Now, Duration.FromMinutes(1)));
    }
}
