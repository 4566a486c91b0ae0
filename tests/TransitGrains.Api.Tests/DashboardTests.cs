using System.Net;

namespace TransitGrains.Api.Tests;

/// <summary>api.md 1.1 "Operations": the Orleans dashboard at /dashboard, admins only; browsers sign in with a form.</summary>
[Collection(ApiCollection.Name)]
public sealed class DashboardTests(TransitApiFixture api) : IDisposable
{
    // Redirects and cookies are looked at, not followed or kept.
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
    {
        BaseAddress = api.BaseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Without_credentials_401_and_with_an_admin_key_200()
    {
        var anonymous = await Send(HttpMethod.Get, "/dashboard/");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);

        var admin = await Send(HttpMethod.Get, "/dashboard/", key: Keys.Admin);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal("text/html", admin.Content.Headers.ContentType?.MediaType);

        // The dashboard's own data calls are guarded the same way.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, "/dashboard/DashboardCounters")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/dashboard/DashboardCounters", key: Keys.Admin)).StatusCode);
    }

    [Theory]
    [InlineData(Keys.Forwarder, "forwarder")]
    [InlineData(Keys.Port, "port")]
    public async Task Other_keys_are_403(string key, string role)
    {
        var response = await Send(HttpMethod.Get, "/dashboard/", key: key);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains($"A {role} key may not do this; it needs an admin key.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_browser_without_credentials_gets_the_sign_in_form()
    {
        var response = await Send(HttpMethod.Get, "/dashboard/", accept: "text/html");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<label for=\"apiKey\">API key</label>", html, StringComparison.Ordinal);
        Assert.Contains("action=\"/dashboard/sign-in\"", html, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_in_with_an_admin_key_gives_a_secure_HttpOnly_SameSite_cookie_for_the_dashboard_only()
    {
        var signIn = await Send(HttpMethod.Post, "/dashboard/sign-in", form: Keys.Admin);
        Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
        Assert.Equal("/dashboard/", signIn.Headers.Location?.OriginalString);
        var setCookie = signIn.Headers.GetValues("Set-Cookie").Single();
        foreach (var attribute in new[] { "path=/dashboard", "secure", "samesite=strict", "httponly" })
        {
            Assert.Contains(attribute, setCookie.Split("; "));
        }

        var cookie = setCookie.Split(';')[0];
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/dashboard/", cookie: cookie)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/dashboard/DashboardCounters", cookie: cookie)).StatusCode);

        // The cookie never stands for a key on the API.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, "/api/v1/conveyances/rail/X8426-20210115", cookie: cookie)).StatusCode);

        var signOut = await Send(HttpMethod.Post, "/dashboard/sign-out", cookie: cookie);
        Assert.Equal(HttpStatusCode.SeeOther, signOut.StatusCode);
        Assert.Contains("expires=Thu, 01 Jan 1970", signOut.Headers.GetValues("Set-Cookie").Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Keys.Forwarder)]
    [InlineData("no-such-key")]
    [InlineData("")]
    public async Task Only_an_admin_key_signs_in(string key)
    {
        var response = await Send(HttpMethod.Post, "/dashboard/sign-in", form: key);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Contains("not an admin API key", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> Send(
        HttpMethod method, string path, string? key = null, string? cookie = null, string? accept = null, string? form = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        if (accept is not null)
        {
            request.Headers.Add("Accept", accept);
        }

        if (form is not null)
        {
            request.Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("apiKey", form)]);
        }

        var response = await _http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
