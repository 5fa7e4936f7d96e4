using System.Text.Json.Nodes;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Networks;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Core;

/// <summary>The optional cuba-lif parameter currentBias (a constant input to u): parsed, saved, hashed, and invisible when absent.</summary>
public class CurrentBiasTests
{
    private static string FixtureWith(JsonNode? currentBias)
    {
        var json = JsonNode.Parse(File.ReadAllText(RepoPaths.Path("tests", "Neuromorphic.Tests", "Nir", "Fixtures", "gzip-libhdf5.source.json")))!;
        var parameters = json["populations"]![1]!["params"]!.AsObject();
        parameters.Remove("currentBias");
        if (currentBias is not null)
        {
            parameters["currentBias"] = currentBias;
        }

        return json.ToJsonString();
    }

    private static NetworkSpec Parse(string json) => NetworkFile.Parse(json, "net.json", Path.GetTempPath());

    [Fact]
    public void Networks_without_it_keep_the_hash_they_had_before_it_existed()
    {
        // Computed with the network code of commit ee8ff41, before currentBias was added.
        const string HashBeforeTheExtension = "2412f9ddf746c08d17f48243129553776965e831d4aad96ae5d6c947c21cbcd2";
        Assert.Equal(HashBeforeTheExtension, Parse(FixtureWith(null)).ContentHash);
        Assert.Equal(HashBeforeTheExtension, Parse(FixtureWith(JsonValue.Create(0))).ContentHash);
        Assert.NotEqual(HashBeforeTheExtension, Parse(FixtureWith(JsonValue.Create(0.02))).ContentHash);
    }

    [Fact]
    public void It_defaults_to_zero_and_round_trips_as_scalar_or_array()
    {
        var absent = Parse(FixtureWith(null)).GetPopulation("hid").CubaLif!;
        Assert.True(absent.HasNoCurrentBias);

        var values = new JsonArray(0.1, -0.2, 0.3, 0, 0, 0, 0, 0.5);
        var network = Parse(FixtureWith(values));
        Assert.Equal(-0.2, network.GetPopulation("hid").CubaLif!.CurrentBias[1]);

        using var directory = new TempDirectory();
        NetworkFile.Save(network, directory.File("net.json"));
        var reloaded = NetworkFile.Load(directory.File("net.json"));
        Assert.Equal(network.ContentHash, reloaded.ContentHash);
        Assert.Equal(0.5, reloaded.GetPopulation("hid").CubaLif!.CurrentBias[7]);

        NetworkFile.Save(Parse(FixtureWith(null)), directory.File("plain.json"));
        Assert.DoesNotContain("currentBias", File.ReadAllText(directory.File("plain.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_length_names_the_field()
    {
        var error = Assert.Throws<InvalidInputException>(() => Parse(FixtureWith(new JsonArray(1, 2))));
        Assert.Equal("$.populations[1].params.currentBias", error.Field);
    }
}
