using Neuromorphic.Chip.Costs;
using System.Text.Json;
using Neuromorphic.Tests.Support;
using Neuromorphic.Traces;

namespace Neuromorphic.Tests.Traces;

public class TraceCommandTests
{
    /// <summary>One inference, one step, two cores, one message: every exported value is known.</summary>
    private static string HandmadeTrace(TempDirectory dir)
    {
        var path = dir.File("handmade.trace");
        var header = TestTraces.Header(TraceLevel.Messages) with
        {
            MetadataJson = new RunManifest
            {
                Populations = [new PopulationRange("in", 0, 2), new PopulationRange("hid", 2, 3)],
                InputPopulation = "in",
                Mesh = new MeshGeometry(2, 2, 2),
            }.ToJson(),
        };
        var writer = TraceWriter.Create(path, header);
        writer.Add(new InputEventRecord { Inference = 0, Step = 1, Input = 1, Value = 1, Core = 0, TimePs = 0 });
        writer.Add(new CoreStepRecord
        {
            StepStartPs = 0, StepEndPs = 2_000_000, BusyPs = 1_500_000, SynapseFj = 47_200, NeuronFj = 243_000, NetworkFj = 4_700, StaticFj = 100,
            Inference = 0, Step = 1, Core = 0,
            Counters = new CoreStepCounters { NeuronsAccessed = 3, NeuronsUpdated = 2, NeuronsFired = 1, InputSpikes = 1, SynapticOps = 0, MessagesOut = 1, HopsEast = 1 },
        });
        writer.Add(new CoreStepRecord
        {
            StepStartPs = 0, StepEndPs = 2_000_000, BusyPs = 500_000, SynapseFj = 47_200, Inference = 0, Step = 1, Core = 3,
            Counters = new CoreStepCounters { SynapticOps = 2, MessagesIn = 1 },
        });
        writer.Add(new SpikeRecord { TimePs = 8_400, Inference = 0, Step = 1, Neuron = 3, Core = 0 });
        writer.Add(new MessageRecord
        {
            SentPs = 10_500, ReceivedPs = 14_600, ProcessedPs = 21_600, GenerationDelayPs = 8_400, NetworkDelayPs = 4_100, BlockingPs = 0,
            Inference = 0, Step = 1, SourceNeuron = 3, SourceCore = 0, DestinationCore = 3, Synapses = 2, HopsEast = 1,
        });
        writer.EndInference(new InferenceSummaryRecord
        {
            FirstInputPs = 0, DecisionPs = 2_000_000, EndPs = 2_000_000, SynapseFj = 94_400, NeuronFj = 243_000, NetworkFj = 4_700, StaticFj = 100,
            TotalFj = 342_200, Spikes = 1, SynapticOps = 2, Messages = 1, Hops = 1, Inference = 0, SampleIndex = 17, Label = 4, Predicted = 4, Steps = 1,
        });
        writer.Complete();
        return path;
    }

    [Fact]
    public void Export_writes_sanafe_columns_then_exact_integers()
    {
        using var dir = new TempDirectory();
        var trace = HandmadeTrace(dir);
        var output = dir.File("csv");
        var result = CliRunner.Run("trace", "export", trace, "--out", output);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            "neuron,timestep,inference,step,time_ps,core\n" +
            "in.1,1,0,1,0,0\n" +
            "hid.1,1,0,1,8400,0\n",
            File.ReadAllText(Path.Combine(output, "spikes.csv")));
        Assert.Equal(
            "timestep,mid,src_neuron,src_hw,dest_hw,hops,spikes,send_timestamp,received_timestamp,processed_timestamp,generation_delay," +
            "processing_delay,network_delay,blocking_delay,inference,step,src_core,dest_core,hops_east,hops_west,hops_north,hops_south," +
            "sent_ps,received_ps,processed_ps,generation_delay_ps,network_delay_ps,blocking_ps\n" +
            "1,0,hid.1,0.0,1.1,1,2,1.05E-08,1.46E-08,2.16E-08,8.4E-09,7E-09,4.1E-09,0,0,1,0,3,1,0,0,0,10500,14600,21600,8400,4100,0\n",
            File.ReadAllText(Path.Combine(output, "messages.csv")));
        Assert.Equal(
            "timestep,fired,updated,packets,hops,spikes,sim_time,synapse_energy,dendrite_energy,soma_energy,network_energy,total_energy," +
            "inference,step,step_start_ps,step_end_ps,neurons_accessed,messages_in,busy_ps,synapse_fj,neuron_fj,network_fj,static_fj\n" +
            "1,2,3,1,1,2,2E-06,9.44E-11,0,2.43E-10,4.7E-12,3.421E-10,0,1,0,2000000,3,1,2000000,94400,243000,4700,100\n",
            File.ReadAllText(Path.Combine(output, "perf.csv")));
        Assert.Equal(
            "inference,sample_index,label,predicted,correct,steps,early_exit,latency_ps,first_input_ps,decision_ps,end_ps," +
            "synapse_fj,neuron_fj,network_fj,static_fj,total_fj,spikes,synaptic_ops,messages,hops\n" +
            "0,17,4,4,1,1,0,2000000,0,2000000,2000000,94400,243000,4700,100,342200,1,2,1,1\n",
            File.ReadAllText(Path.Combine(output, "inferences.csv")));
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        Assert.Equal(342_200, summary.RootElement.GetProperty("totals").GetProperty("totalFj").GetInt64());
        Assert.Equal(1, summary.RootElement.GetProperty("sanafe").GetProperty("timesteps_executed").GetInt64());
        Assert.Equal(3.421e-10, summary.RootElement.GetProperty("sanafe").GetProperty("energy").GetProperty("total").GetDouble(), 1e-22);
        Assert.Empty(Directory.GetFiles(output, "*.tmp"));
        Assert.Empty(Directory.GetFiles(output, ".*"));
    }

    [Fact]
    public void Export_counts_timesteps_across_inferences_and_can_select_one()
    {
        using var dir = new TempDirectory();
        var trace = dir.File("synthetic.trace");
        var options = TestTraces.SmallSynthetic;
        var records = Neuromorphic.Traces.Synthetic.SyntheticTrace.Generate(options);
        File.WriteAllBytes(trace, TestTraces.Write(records, TraceLevel.Messages));

        var all = CliRunner.Run("trace", "export", trace, "--out", dir.File("all"), "--json");
        Assert.True(all.ExitCode == 0, all.ToString());
        var perf = File.ReadAllLines(Path.Combine(dir.File("all"), "perf.csv"));
        Assert.Equal(1 + options.Inferences * options.Steps, perf.Length);
        Assert.Equal(Enumerable.Range(1, options.Inferences * options.Steps).Select(i => i.ToString()), perf.Skip(1).Select(l => l.Split(',')[0]));
        // Input spikes are listed as SANA-FE lists them (in.k rows), before the neuron spikes of their step.
        var spikeRows = File.ReadAllLines(Path.Combine(dir.File("all"), "spikes.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(records.Spikes.Count + records.InputEvents.Count, spikeRows.Length);
        Assert.Equal(records.InputEvents.Count, spikeRows.Count(r => r[0].StartsWith("in.", StringComparison.Ordinal)));   // no input population in this header: in.k
        Assert.Equal(spikeRows.Select(r => int.Parse(r[1])).Order(), spikeRows.Select(r => int.Parse(r[1])));
        Assert.Equal(1 + records.Messages.Count, File.ReadAllLines(Path.Combine(dir.File("all"), "messages.csv")).Length);
        using (var json = JsonDocument.Parse(all.Stdout))
        {
            Assert.Equal(5, json.RootElement.GetProperty("files").GetArrayLength());
            Assert.True(json.RootElement.GetProperty("complete").GetBoolean());
        }

        var one = CliRunner.Run("trace", "export", trace, "--out", dir.File("one"), "--inference", "2");
        Assert.True(one.ExitCode == 0, one.ToString());
        var spikes = File.ReadAllLines(Path.Combine(dir.File("one"), "spikes.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(records.Spikes.ToArray().Count(s => s.Inference == 2) + records.InputEvents.ToArray().Count(e => e.Inference == 2), spikes.Length);
        Assert.All(spikes, s => Assert.Equal("2", s[2]));
        Assert.Equal("1", spikes.Min(s => int.Parse(s[1])).ToString());

        CliRunner.AssertBadInput(CliRunner.Run("trace", "export", trace, "--out", dir.File("none"), "--inference", "99"), "--inference", "99");
        File.WriteAllText(dir.File("afile"), "");
        CliRunner.AssertBadInput(CliRunner.Run("trace", "export", trace, "--out", dir.File("afile")), "--out");
    }

    [Fact]
    public void Export_skips_files_the_level_does_not_record()
    {
        using var dir = new TempDirectory();
        var trace = dir.File("summary.trace");
        File.WriteAllBytes(trace, TestTraces.Write(Neuromorphic.Traces.Synthetic.SyntheticTrace.Generate(TestTraces.SmallSynthetic), TraceLevel.Summary));
        var result = CliRunner.Run("trace", "export", trace, "--out", dir.File("out"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["inferences.csv", "summary.json"], Directory.GetFiles(dir.File("out")).Select(f => Path.GetFileName(f)!).Order().ToArray());
    }

    [Fact]
    public void Info_json_reports_header_counts_and_inferences()
    {
        using var dir = new TempDirectory();
        var trace = dir.File("synthetic.trace");
        var records = Neuromorphic.Traces.Synthetic.SyntheticTrace.Generate(TestTraces.SmallSynthetic);
        File.WriteAllBytes(trace, TestTraces.Write(records, TraceLevel.Spikes));
        var result = CliRunner.Run("trace", "info", trace, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var doc = JsonDocument.Parse(result.Stdout);
        var root = doc.RootElement;
        Assert.Equal("spikes", root.GetProperty("level").GetString());
        Assert.Equal("async", root.GetProperty("mode").GetString());
        Assert.Equal(new string('1', 64), root.GetProperty("chipHash").GetString());
        Assert.Equal("complete", root.GetProperty("status").GetString());
        Assert.Equal(records.Spikes.Count, root.GetProperty("kinds").GetProperty("spikes").GetProperty("records").GetInt64());
        Assert.Equal(0, root.GetProperty("kinds").GetProperty("messages").GetProperty("records").GetInt64());
        Assert.Equal(records.CoreSteps.Count, root.GetProperty("kinds").GetProperty("coreSteps").GetProperty("records").GetInt64());
        var inferences = root.GetProperty("inferences");
        Assert.Equal(TestTraces.SmallSynthetic.Inferences, inferences.GetProperty("count").GetInt64());
        Assert.Equal(records.Summaries.ToArray().Average(s => (double)s.TotalFj), inferences.GetProperty("meanEnergyFj").GetProperty("total").GetDouble(), 6);
        Assert.Equal(new FileInfo(trace).Length, root.GetProperty("fileBytes").GetInt64());

        var table = CliRunner.Run("trace", "info", trace);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("level spikes", table.Stdout);
        Assert.Contains("coreSteps", table.Stdout);
    }

    [Fact]
    public void Plot_draws_raster_energy_and_latency()
    {
        using var dir = new TempDirectory();
        var trace = dir.File("synthetic.trace");
        var options = TestTraces.SmallSynthetic;
        File.WriteAllBytes(trace, TestTraces.Write(Neuromorphic.Traces.Synthetic.SyntheticTrace.Generate(options), TraceLevel.Spikes,
            header: Neuromorphic.Traces.Synthetic.SyntheticTrace.Header(options, TraceLevel.Spikes)));
        var result = CliRunner.Run("trace", "plot", trace, "--out", dir.File("plots"), "--inference", "1");
        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var name in new[] { "raster.png", "energy.png", "latency.png" })
        {
            var bytes = File.ReadAllBytes(Path.Combine(dir.File("plots"), name));
            Assert.True(bytes.Length > 1000);
            Assert.Equal(0x89, bytes[0]);
        }

        var raster = Neuromorphic.Traces.Analysis.TracePlotData.Raster(trace, 1)!;
        Assert.Equal(1, raster.Inference);
        Assert.Equal(["input", "neurons"], raster.PopulationStarts.Select(p => p.Label).ToArray());
    }
}
