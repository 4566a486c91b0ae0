using System.Xml.Linq;

namespace TransitGrains.Api.Tests;

/// <summary>
/// Dependencies point inward (docs/architecture.md, "Projects and their dependencies"): every project under src/ and
/// silo/ references only projects of a lower layer, and only packages its layer may use. The layers:
/// -1 the EDIFACT syntax (no dependency at all), 0 the domain, 1 the abstractions, 2 the adapters (grains, persistence,
/// tax queue, webhooks, HTTP API), 3 the silo.
/// </summary>
public sealed class ProjectLayerTests
{
    private static readonly Dictionary<string, int> Layers = new(StringComparer.Ordinal)
    {
        ["TransitGrains.Edifact"] = -1,
        ["TransitGrains.Domain"] = 0,
        ["TransitGrains.Abstractions"] = 1,
        ["TransitGrains.Grains"] = 2,
        ["TransitGrains.Persistence"] = 2,
        ["TransitGrains.TaxQueue"] = 2,
        ["TransitGrains.Webhooks"] = 2,
        ["TransitGrains.Api"] = 2,
        ["TransitGrains.Silo"] = 3,
    };

    /// <summary>The lowest layer that may use each package (or shared framework): a new one must be placed here first.</summary>
    private static readonly Dictionary<string, int> PackageLayers = new(StringComparer.Ordinal)
    {
        // The domain: time, and Orleans' serializer generator (no runtime).
        ["NodaTime"] = 0,
        ["Microsoft.Orleans.Sdk"] = 0,
        // What the grains' contracts carry across the wire and into JSON.
        ["NodaTime.Serialization.SystemTextJson"] = 1,
        // The adapters: each speaks to one outside thing.
        ["Microsoft.Orleans.Runtime"] = 2,
        ["Microsoft.Orleans.Clustering.AdoNet"] = 2,
        ["Microsoft.Orleans.Persistence.AdoNet"] = 2,
        ["Microsoft.Orleans.Persistence.Memory"] = 2,
        ["Npgsql"] = 2,
        ["Azure.Storage.Queues"] = 2,
        ["Microsoft.Extensions.Diagnostics.HealthChecks"] = 2,
        ["Microsoft.AspNetCore.App"] = 2,
        ["Microsoft.AspNetCore.OpenApi"] = 2,
        ["Microsoft.Extensions.FileProviders.Embedded"] = 2,
        ["Microsoft.AspNetCore.DataProtection"] = 2,
        // The host: the silo itself, its dashboard, and where its telemetry goes.
        ["Microsoft.Orleans.Server"] = 3,
        ["Microsoft.Orleans.Dashboard"] = 3,
        ["Npgsql.OpenTelemetry"] = 3,
        ["OpenTelemetry.Extensions.Hosting"] = 3,
        ["OpenTelemetry.Instrumentation.AspNetCore"] = 3,
        ["OpenTelemetry.Exporter.OpenTelemetryProtocol"] = 3,
        ["OpenTelemetry.Exporter.Prometheus.AspNetCore"] = 3,
    };

    /// <summary>
    /// The HTTP API runs wherever a grain client does: it reaches grains through their interfaces and the listing through
    /// <c>IShipmentIndex</c>, never the Orleans runtime that only a silo (and the adapters inside it) may hold.
    /// </summary>
    private static readonly Dictionary<string, string[]> Refused = new(StringComparer.Ordinal)
    {
        ["TransitGrains.Api"] = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Persistence.AdoNet", "Microsoft.Orleans.Server", "Microsoft.Orleans.Dashboard"],
    };

    [Fact]
    public void Every_project_references_only_lower_layers_and_the_packages_of_its_own()
    {
        var projects = Projects().ToList();

        var violations = projects.SelectMany(p => Violations(p.Name, XDocument.Load(p.Path))).ToList();

        Assert.True(violations.Count == 0, string.Join("\n", violations));
        Assert.Equal(Layers.Keys.Order(StringComparer.Ordinal), projects.Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_check_names_each_reference_above_its_layer()
    {
        var api = XDocument.Parse("""
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup>
                <FrameworkReference Include="Microsoft.AspNetCore.App" />
                <PackageReference Include="Microsoft.Orleans.Dashboard" />
                <PackageReference Include="Microsoft.Orleans.Runtime" />
                <PackageReference Include="Some.Unplaced.Package" />
                <ProjectReference Include="..\TransitGrains.Abstractions\TransitGrains.Abstractions.csproj" />
                <ProjectReference Include="..\TransitGrains.Grains\TransitGrains.Grains.csproj" />
              </ItemGroup>
            </Project>
            """);
        var domain = XDocument.Parse("""
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup>
                <PackageReference Include="Npgsql" />
                <ProjectReference Include="..\TransitGrains.Abstractions\TransitGrains.Abstractions.csproj" />
              </ItemGroup>
            </Project>
            """);

        Assert.Equal(
        [
            "TransitGrains.Api (layer 2) references package Microsoft.Orleans.Dashboard of layer 3",
            "TransitGrains.Api may not reference Microsoft.Orleans.Dashboard",
            "TransitGrains.Api may not reference Microsoft.Orleans.Runtime",
            "TransitGrains.Api references package Some.Unplaced.Package, which has no layer in ProjectLayerTests",
            "TransitGrains.Api (layer 2) references project TransitGrains.Grains of layer 2",
        ], Violations("TransitGrains.Api", api));
        Assert.Equal(
        [
            "TransitGrains.Domain (layer 0) references package Npgsql of layer 2",
            "TransitGrains.Domain (layer 0) references project TransitGrains.Abstractions of layer 1",
        ], Violations("TransitGrains.Domain", domain));
    }

    /// <summary>Every reference of <paramref name="project"/> that its layer does not allow, one line each.</summary>
    private static List<string> Violations(string project, XDocument csproj)
    {
        if (!Layers.TryGetValue(project, out var layer))
        {
            return [$"{project} has no layer in {nameof(ProjectLayerTests)}"];
        }

        var violations = new List<string>();
        foreach (var reference in csproj.Descendants().Where(e => e.Name.LocalName is "PackageReference" or "FrameworkReference"))
        {
            var package = (string)reference.Attribute("Include")!;
            if (!PackageLayers.TryGetValue(package, out var packageLayer))
            {
                violations.Add($"{project} references package {package}, which has no layer in {nameof(ProjectLayerTests)}");
            }
            else if (packageLayer > layer)
            {
                violations.Add($"{project} (layer {layer}) references package {package} of layer {packageLayer}");
            }

            if (Refused.GetValueOrDefault(project, []).Contains(package, StringComparer.Ordinal))
            {
                violations.Add($"{project} may not reference {package}");
            }
        }

        foreach (var reference in csproj.Descendants().Where(e => e.Name.LocalName == "ProjectReference"))
        {
            var referenced = Path.GetFileNameWithoutExtension(((string)reference.Attribute("Include")!).Replace('\\', '/'));
            if (!Layers.TryGetValue(referenced, out var referencedLayer) || referencedLayer >= layer)
            {
                violations.Add($"{project} (layer {layer}) references project {referenced} of layer {(Layers.TryGetValue(referenced, out var l) ? l : "none")}");
            }
        }

        return violations;
    }

    private static readonly string[] ProjectFolders = ["src", "silo"];

    private static IEnumerable<(string Name, string Path)> Projects() =>
        ProjectFolders
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(Repository.Root, folder), "*.csproj", SearchOption.AllDirectories))
            .Select(path => (Path.GetFileNameWithoutExtension(path), path));
}
