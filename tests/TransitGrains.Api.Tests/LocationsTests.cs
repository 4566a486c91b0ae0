using System.Net;

namespace TransitGrains.Api.Tests;

/// <summary>The places the service knows by name (what the forwarder page shows for a code), for every key.</summary>
[Collection(ApiCollection.Name)]
public sealed class LocationsTests(TransitApiFixture api)
{
    [Theory]
    [InlineData(Keys.Forwarder)]
    [InlineData(Keys.Port)]
    [InlineData(Keys.Customs)]
    [InlineData(Keys.Admin)]
    public async Task Every_key_reads_the_known_places_with_their_english_and_chinese_names_and_zones(string key)
    {
        var items = (await api.As(key).Get("/api/v1/locations")).Expect(HttpStatusCode.OK).Body["items"]!.AsArray();

        var shunde = items.Single(i => (string?)i!["code"] == "CNSUD")!;
        Assert.Equal("Shunde", (string?)shunde["names"]!["en"]);
        Assert.Equal("顺德", (string?)shunde["names"]!["zh-CN"]);
        Assert.Equal("Asia/Shanghai", (string?)shunde["timeZone"]);
        Assert.Equal("Europe/Moscow", (string?)items.Single(i => (string?)i!["code"] == "RUMOW")!["timeZone"]);
        Assert.Equal(items.Count, items.Select(i => (string?)i!["code"]).Distinct().Count());
    }
}
