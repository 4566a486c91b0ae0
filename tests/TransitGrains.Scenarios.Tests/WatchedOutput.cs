using System.Diagnostics;
using System.Text;

namespace TransitGrains.Scenarios.Tests;

/// <summary>What a command printed so far, readable while it still runs (watch writes from its own loop).</summary>
internal sealed class WatchedOutput : TextWriter
{
    public static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(60);

    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.UTF8;

    public string Text
    {
        get
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }

    public override void Write(char value)
    {
        lock (_text)
        {
            _text.Append(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_text)
        {
            _text.Append(value);
        }
    }

    /// <summary>
    /// Polls until the output holds <paramref name="expected"/>; at the ceiling (<see cref="Ceiling"/> unless
    /// <paramref name="within"/> says otherwise) fails with what was printed.
    /// </summary>
    public async Task WaitForAsync(string expected, TimeSpan? within = null)
    {
        var ceiling = within ?? Ceiling;
        var clock = Stopwatch.StartNew();
        while (!Text.Contains(expected, StringComparison.Ordinal))
        {
            Assert.True(clock.Elapsed < ceiling, $"not printed within {ceiling}: {expected}\nprinted:\n{Text}");
            await Task.Delay(100);
        }
    }
}
