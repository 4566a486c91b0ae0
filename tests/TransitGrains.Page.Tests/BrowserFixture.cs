using Microsoft.Playwright;
using TransitGrains.Api.Tests;

namespace TransitGrains.Page.Tests;

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Forwarder page in chromium";
}

/// <summary>
/// One silo host (as <c>Program.cs</c> builds it, embedded profile, Development keys) and one headless chromium: Debian's
/// package, driven by Playwright through <see cref="BrowserTypeLaunchOptions.ExecutablePath"/> (Playwright's own browser
/// download is not used). Without chromium every test fails, saying how to install it.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumVariable = "TRANSIT_TEST_CHROMIUM";

    private IPlaywright? _playwright;

    /// <summary>The silo host and its API, as the API tests have them: to book and report what the page then shows.</summary>
    public TransitApiFixture Api { get; } = new();

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: the repository's TestResults folder (or TRANSIT_TEST_ARTIFACTS), kept after the run.</summary>
    public static string Screenshots { get; } = Environment.GetEnvironmentVariable("TRANSIT_TEST_ARTIFACTS") is { Length: > 0 } given
        ? given
        : Path.Combine(Repository.Root, "TestResults", "TransitGrains.Page.Tests", "screenshots");

    public async Task InitializeAsync()
    {
        var chromium = Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } path ? path : "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException(
                $"No chromium at {chromium}: these tests drive Debian's chromium. Run scripts/test.sh (it installs the package), "
                + $"or apt-get install chromium, or set {ChromiumVariable}.");
        }

        Directory.CreateDirectory(Screenshots);
        await Api.InitializeAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Api.DisposeAsync();
    }

    /// <summary>A fresh browser session (its own sessionStorage) in <paramref name="locale"/>, recording what goes wrong on its pages.</summary>
    public async Task<BrowserSession> NewSession(string locale = "en-GB")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Api.BaseAddress.ToString(),
            Locale = locale,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(20_000);
        return new BrowserSession(context, await context.NewPageAsync());
    }
}

/// <summary>One browser session and its page, with the script errors and failed requests seen on it.</summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly List<string> _problems = [];

    public BrowserSession(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
        page.PageError += (_, error) => Record($"script error: {error}");
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Record($"console error: {message.Text}");
            }
        };
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>Uncaught script errors and console errors (a policy violation, a failed request) so far.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_problems)
            {
                return [.. _problems];
            }
        }
    }

    public Task<IResponse?> Open(string path = "/") => Page.GotoAsync(path);

    /// <summary>Signs in as a person would with the keyboard: tabs to the "API key" field, types, presses Enter.</summary>
    public async Task SignIn(string key, string label = "API key")
    {
        var field = Page.GetByLabel(label, new PageGetByLabelOptions { Exact = true });
        await field.WaitForAsync();
        await field.FillAsync(key);
        await field.PressAsync("Enter");
    }

    public async Task Screenshot(string name) =>
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, name), FullPage = true });

    private void Record(string problem)
    {
        lock (_problems)
        {
            _problems.Add(problem);
        }
    }

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}
