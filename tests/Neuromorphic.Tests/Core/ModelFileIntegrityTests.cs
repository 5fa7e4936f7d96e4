using System.Runtime.InteropServices;
using System.Text.Json;
using Neuromorphic.Core.IO;
using Neuromorphic.Core.Networks;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Core;

/// <summary>Repeated JSON keys, and network files whose sidecars are bound to them by SHA-256.</summary>
public sealed class ModelFileIntegrityTests
{
    [Theory]
    [InlineData("""{ "a": 1, "a": 2 }""", "$.a")]
    [InlineData("""{ "a": { "b": [1, { "c": 1, "d": 2, "c": 3 }] } }""", "$.a.b[1].c")]
    [InlineData("""// comment\n{ "x": [ {}, { "k": 1 }, { "k": 1, /* c */ "k": 2, } ], }""", "$.x[2].k")]
    [InlineData("""[ { "a": 1 }, { "b": 1, "b": 1 } ]""", "$[1].b")]
    public void A_repeated_key_is_found_with_the_path_of_its_second_occurrence(string json, string path)
    {
        var found = JsonInput.FindDuplicateKey(json.Replace("\\n", "\n", StringComparison.Ordinal));
        Assert.NotNull(found);
        Assert.Equal(path, found.Value.Path);
    }

    [Theory]
    [InlineData("""{ "a": 1, "b": { "a": 2 }, "c": [{ "a": 3 }, { "a": 4 }] }""")]
    [InlineData("""{ "A": 1, "a": 2 }""")]
    public void Equal_keys_in_different_objects_and_keys_differing_in_case_are_not_repeats(string json) =>
        Assert.Null(JsonInput.FindDuplicateKey(json));

    [Fact]
    public void Malformed_json_is_left_to_the_parser_to_report() =>
        Assert.ThrowsAny<JsonException>(() => JsonInput.FindDuplicateKey("""{ "a": 1, """));

    [Fact]
    public void Sidecars_are_named_after_their_content_and_checked_against_the_recorded_hash()
    {
        using var temp = new TempDirectory();
        var network = TestNetworks.EpLayered([64, 80, 10]);
        var path = temp.File("n.json");
        NetworkFile.Save(network, path);
        var sidecar = Sidecars.Of(path, 0);
        var hash = Hashing.Sha256HexOfFile(sidecar);
        Assert.EndsWith($".0.{hash[..16]}.f32", sidecar, StringComparison.Ordinal);
        Assert.Contains(hash, File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Empty(NetworkFile.Load(path).UnverifiedSidecars);

        // One changed weight, keeping the size: found.
        var bytes = File.ReadAllBytes(sidecar);
        bytes[100] ^= 1;
        File.WriteAllBytes(sidecar, bytes);
        var error = Assert.Throws<Neuromorphic.Core.Errors.InvalidInputException>(() => NetworkFile.Load(path));
        Assert.Equal("$.projections[0].weights.sha256", error.Field);
    }

    [Fact]
    public void A_file_written_before_hashes_were_recorded_loads_and_says_its_sidecars_are_unchecked()
    {
        using var temp = new TempDirectory();
        var weights = Enumerable.Range(0, 5000).Select(i => (float)Math.Sin(i)).ToArray();
        File.WriteAllBytes(temp.File("old.0.f32"), MemoryMarshal.AsBytes(weights.AsSpan()).ToArray());
        File.WriteAllText(temp.File("old.json"), """
            { "schema": "neuromorphic.network/1",
              "populations": [ { "name": "in", "size": 50, "model": "input" }, { "name": "out", "size": 100, "model": "cuba-lif", "params": { "threshold": 1 } } ],
              "projections": [ { "from": "in", "to": "out", "weights": { "file": "old.0.f32", "shape": [100, 50] } } ] }
            """);
        var loaded = NetworkFile.Load(temp.File("old.json"));
        Assert.Equal(["old.0.f32"], loaded.UnverifiedSidecars);
        Assert.Equal(weights, loaded.Projections[0].Weights);
        var result = CliRunner.Run("map", "--model", temp.File("old.json"), "--chip", "loihi1", "--out", temp.File("map.json"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("no recorded SHA-256", result.Stderr, StringComparison.Ordinal);

        // Saving it again records the hash, and the sidecar under its old name, which only the old file named, goes.
        NetworkFile.Save(loaded, temp.File("old.json"));
        Assert.False(File.Exists(temp.File("old.0.f32")));
        Assert.Empty(NetworkFile.Load(temp.File("old.json")).UnverifiedSidecars);
        Assert.Equal(loaded.ContentHash, NetworkFile.Load(temp.File("old.json")).ContentHash);
    }

    [Fact]
    public void Saving_removes_only_sidecars_named_as_this_file_names_them()
    {
        using var temp = new TempDirectory();
        var path = temp.File("n.json");
        NetworkFile.Save(TestNetworks.EpLayered([64, 80, 10], seed: 1), path);
        var first = Sidecars.Of(path, 0);
        var orphan = temp.File("n.0.0123456789abcdef.f32");
        File.WriteAllBytes(orphan, new byte[16]);
        var foreign = temp.File("weights.f32");
        File.WriteAllBytes(foreign, new byte[16]);
        var other = temp.File("n2.0.0123456789abcdef.f32");
        File.WriteAllBytes(other, new byte[16]);

        var unchanged = File.GetLastWriteTimeUtc(first);
        NetworkFile.Save(NetworkFile.Load(path), path);
        Assert.Equal(first, Sidecars.Of(path, 0));
        Assert.Equal(unchanged, File.GetLastWriteTimeUtc(first)); // the same content is not rewritten

        NetworkFile.Save(TestNetworks.EpLayered([64, 80, 10], seed: 2), path);
        Assert.NotEqual(first, Sidecars.Of(path, 0));
        Assert.False(File.Exists(first));
        Assert.False(File.Exists(orphan));
        Assert.True(File.Exists(foreign));
        Assert.True(File.Exists(other));
    }

    [Fact]
    public void The_embedded_demo_model_records_its_sidecar_hashes_and_keeps_its_content_hash()
    {
        using var temp = new TempDirectory();
        var path = Neuromorphic.Cli.Demo.DemoModel.Extract(temp.Path);
        var network = NetworkFile.Load(path);
        Assert.Empty(network.UnverifiedSidecars);
        NetworkFile.Save(network, temp.File("again.json"));
        Assert.Equal(network.ContentHash, NetworkFile.Load(temp.File("again.json")).ContentHash);
    }
}
