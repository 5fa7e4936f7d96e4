using System.Text.Json.Nodes;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Cli;

/// <summary><c>neuro train</c>, <c>neuro eval</c> and <c>neuro experiment stability</c> from the command line.</summary>
public sealed class LearningCommandTests
{
    private static readonly string[] s_small = ["--dataset", "embedded", "--layers", "784,48,10", "--free-steps", "30", "--nudged-steps", "10"];

    [Fact]
    public void Train_on_the_embedded_subset_learns_and_eval_reproduces_its_test_accuracy()
    {
        using var temp = new TempDirectory();
        var model = temp.File("m.json");
        var train = CliRunner.Run(["train", .. s_small, "--epochs", "2", "--lr", "0.1,0.05", "--json", "--out", model]);
        Assert.True(train.ExitCode == 0, train.ToString());
        var summary = JsonNode.Parse(train.Stdout)!;
        var epochs = summary["epochs"]!.AsArray();
        Assert.Equal(2, epochs.Count);
        var accuracy = summary["final"]!["testAccuracy"]!.GetValue<double>();
        Assert.True(accuracy > 0.6, $"test accuracy {accuracy} after 2 epochs on the embedded subset");
        Assert.True(summary["trainingSamplesPerSecond"]!.GetValue<double>() > 0);
        foreach (var file in new[] { "m.json", "m.ckpt", "m.metrics.csv", "m.png" })
        {
            Assert.True(File.Exists(temp.File(file)), file);
        }

        Assert.True(File.Exists(Sidecars.Of(temp.File("m.json"), 0)));

        Assert.Equal(3, File.ReadAllLines(temp.File("m.metrics.csv")).Length);
        var eval = CliRunner.Run("eval", "--model", model, "--dataset", "embedded", "--json");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        Assert.Equal(accuracy, JsonNode.Parse(eval.Stdout)!["accuracy"]!.GetValue<double>());
    }

    [Fact]
    public void Resume_with_more_epochs_equals_a_longer_run()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.File("a"));
        Directory.CreateDirectory(temp.File("b"));
        string[] common = [.. s_small, "--train-limit", "300", "--test-limit", "50"];
        Assert.Equal(0, CliRunner.Run(["train", .. common, "--epochs", "1", "--out", temp.File("a/m.json")]).ExitCode);
        var resumed = CliRunner.Run(["train", .. common, "--epochs", "2", "--resume", "--out", temp.File("a/m.json")]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(0, CliRunner.Run(["train", .. common, "--epochs", "2", "--out", temp.File("b/m.json")]).ExitCode);
        Assert.Equal(File.ReadAllBytes(temp.File("a/m.json")), File.ReadAllBytes(temp.File("b/m.json")));
        Assert.Equal(Path.GetFileName(Sidecars.Of(temp.File("a/m.json"), 0)), Path.GetFileName(Sidecars.Of(temp.File("b/m.json"), 0)));
        Assert.Equal(File.ReadAllBytes(Sidecars.Of(temp.File("a/m.json"), 0)), File.ReadAllBytes(Sidecars.Of(temp.File("b/m.json"), 0)));
    }

    [Theory]
    [InlineData("--tau-dist", "weibull", "--tau-dist", "weibull")]
    [InlineData("--tau-spread", "-0.5", "--tau-spread", "-0.5")]
    [InlineData("--layers", "100,48,10", "--layers", "784 pixels")]
    [InlineData("--layers", "784,48,7", "--layers", "10 classes")]
    [InlineData("--estimator", "two-sided", "--estimator", "symmetric")]
    [InlineData("--dt-mean", "1.5", "--dt-mean", "1.5")]
    [InlineData("--lr", "0.1,0.1,0.1", "--lr", "one per weight layer")]
    public void Train_rejects_bad_options_with_exit_2(string option, string value, string word1, string word2)
    {
        using var temp = new TempDirectory();
        var result = CliRunner.Run(["train", .. WithOption(option, value), "--epochs", "1", "--out", temp.File("m.json")]);
        CliRunner.AssertBadInput(result, word1, word2);
        Assert.False(File.Exists(temp.File("m.json")));
    }

    [Fact]
    public void Resume_rejects_a_missing_corrupted_or_mismatched_checkpoint()
    {
        using var temp = new TempDirectory();
        string[] common = ["train", .. s_small, "--train-limit", "64", "--test-limit", "10", "--epochs", "1", "--out", temp.File("m.json")];
        CliRunner.AssertBadInput(CliRunner.Run([.. common, "--resume"]), "m.ckpt", "checkpoint");

        Assert.Equal(0, CliRunner.Run(common).ExitCode);
        CliRunner.AssertBadInput(CliRunner.Run([.. common, "--resume", "--beta", "0.5"]), "--beta", "0.5", "0.2");

        var bytes = File.ReadAllBytes(temp.File("m.ckpt"));

        // A repeated key in the header of a checkpoint whose hash is right (crafted): bad input naming the key, not .NET's dictionary message.
        var headerLength = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        var header = System.Text.Encoding.UTF8.GetString(bytes, 12, headerLength);
        var repeated = System.Text.Encoding.UTF8.GetBytes(header.Replace("\"datasetHash\":", "\"datasetHash\": \"x\", \"datasetHash\":", StringComparison.Ordinal));
        Assert.NotEqual(header.Length, repeated.Length);
        var crafted = new List<byte>(bytes.AsSpan(0, 8).ToArray());
        crafted.AddRange(BitConverter.GetBytes(repeated.Length));
        crafted.AddRange(repeated);
        crafted.AddRange(bytes.AsSpan(12 + headerLength, bytes.Length - 32 - 12 - headerLength).ToArray());
        crafted.AddRange(System.Security.Cryptography.SHA256.HashData(crafted.ToArray()));
        File.WriteAllBytes(temp.File("m.ckpt"), crafted.ToArray());
        CliRunner.AssertBadInput(CliRunner.Run([.. common, "--resume"]), "m.ckpt", "$.datasetHash", "a second time");

        File.WriteAllBytes(temp.File("m.ckpt"), bytes.AsSpan(0, bytes.Length / 2).ToArray());
        CliRunner.AssertBadInput(CliRunner.Run([.. common, "--resume"]), "m.ckpt", "truncated or corrupted");
    }

    [Fact]
    public void Eval_rejects_unreadable_truncated_nan_and_non_ep_models_with_exit_2()
    {
        using var temp = new TempDirectory();
        CliRunner.AssertBadInput(CliRunner.Run("eval", "--model", temp.File("missing.json"), "--dataset", "embedded"), "missing.json");

        Assert.Equal(0, CliRunner.Run(["train", .. s_small, "--train-limit", "64", "--test-limit", "10", "--epochs", "1", "--out", temp.File("m.json")]).ExitCode);
        var text = File.ReadAllText(temp.File("m.json"));
        File.WriteAllText(temp.File("cut.json"), text[..(text.Length / 2)]);
        CliRunner.AssertBadInput(CliRunner.Run("eval", "--model", temp.File("cut.json"), "--dataset", "embedded"), "cut.json");

        var sidecarPath = Sidecars.Of(temp.File("m.json"), 0);
        var sidecarName = Path.GetFileName(sidecarPath);
        var sidecar = File.ReadAllBytes(sidecarPath);
        BitConverter.GetBytes(float.NaN).CopyTo(sidecar, 40);
        File.WriteAllBytes(sidecarPath, sidecar);
        CliRunner.AssertBadInput(CliRunner.Run("eval", "--model", temp.File("m.json"), "--dataset", "embedded"), sidecarName, "sha256", "changed or replaced");

        // A file without recorded hashes (as written before they were recorded) still loads, and its weights are still checked.
        var unhashed = System.Text.RegularExpressions.Regex.Replace(text, ",\\s*\"sha256\": \"[0-9a-f]{64}\"", "");
        File.WriteAllText(temp.File("m.json"), unhashed);
        CliRunner.AssertBadInput(CliRunner.Run("eval", "--model", temp.File("m.json"), "--dataset", "embedded"), sidecarName, "finite");
        File.WriteAllBytes(sidecarPath, sidecar.AsSpan(0, 1000).ToArray());
        CliRunner.AssertBadInput(CliRunner.Run("eval", "--model", temp.File("m.json"), "--dataset", "embedded"), sidecarName, "bytes");

        File.WriteAllText(temp.File("lif.json"), """
            { "schema": "neuromorphic.network/1",
              "populations": [ { "name": "in", "size": 784, "model": "input" },
                               { "name": "out", "size": 10, "model": "cuba-lif", "params": { "threshold": 1 } } ],
              "projections": [] }
            """);
        CliRunner.AssertBadInput(CliRunner.Run("eval", "--model", temp.File("lif.json"), "--dataset", "embedded"), "cuba-lif", "ep-rate");

        File.WriteAllText(temp.File("small.json"), """
            { "schema": "neuromorphic.network/1",
              "populations": [ { "name": "in", "size": 4, "model": "input" },
                               { "name": "out", "size": 10, "model": "ep-rate", "params": { "dt": 0.5 } } ],
              "projections": [ { "from": "in", "to": "out", "weights": { "file": "none.f32", "shape": [10, 4] } } ] }
            """);
        CliRunner.AssertBadInput(CliRunner.Run("eval", "--model", temp.File("small.json"), "--dataset", "embedded"), "none.f32");
    }

    [Fact]
    public void Eval_rejects_a_model_that_does_not_fit_the_dataset()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("tiny.json"), """
            { "schema": "neuromorphic.network/1",
              "populations": [ { "name": "input", "size": 2, "model": "input" },
                               { "name": "output", "size": 10, "model": "ep-rate", "params": { "dt": 0.5 } } ],
              "projections": [ { "from": "input", "to": "output",
                                 "weights": [[1,0],[0,1],[1,1],[0,0],[1,0],[0,1],[1,1],[0,0],[1,0],[0,1]] } ] }
            """);
        CliRunner.AssertBadInput(CliRunner.Run("eval", "--model", temp.File("tiny.json"), "--dataset", "embedded"), "tiny.json", "784");
    }

    [Fact]
    public void Experiment_writes_runs_summary_and_plots()
    {
        using var temp = new TempDirectory();
        var result = CliRunner.Run(["experiment", "stability", .. s_small, "--train-limit", "128", "--test-limit", "50", "--epochs", "2", "--seeds", "2",
            "--tau-dist", "homogeneous,lognormal:0.5", "--json", "--out", temp.File("study")]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var summary = JsonNode.Parse(result.Stdout)!;
        Assert.Equal(2, summary["conditions"]!.AsArray().Count);
        Assert.Equal(4, summary["runs"]!.AsArray().Count);
        foreach (var file in new[] { "summary.csv", "summary.md", "accuracy.png", "residual.png", "runs/homogeneous-seed1.metrics.csv", "runs/lognormal-0.5-seed2.json" })
        {
            Assert.True(File.Exists(Path.Combine(temp.File("study"), file)), file);
        }

        Assert.Equal(3, File.ReadAllLines(Path.Combine(temp.File("study"), "summary.csv")).Length);
    }

    [Theory]
    [InlineData("--tau-dist", "homogeneous,cauchy", "cauchy")]
    [InlineData("--tau-dist", "lognormal:-1", "-1")]
    [InlineData("--seeds", "0", "--seeds")]
    [InlineData("--test-limit", "0", "--test-limit")]
    public void Experiment_rejects_bad_options_with_exit_2(string option, string value, string word)
    {
        using var temp = new TempDirectory();
        var result = CliRunner.Run(["experiment", "stability", .. WithOption(option, value), "--epochs", "1", "--out", temp.File("study")]);
        CliRunner.AssertBadInput(result, word);
    }

    /// <summary>The small settings with <paramref name="option"/> set (replaced when they already hold it).</summary>
    private static string[] WithOption(string option, string value)
    {
        var args = s_small.ToList();
        var index = args.IndexOf(option);
        if (index >= 0)
        {
            args[index + 1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        return args.ToArray();
    }
}
