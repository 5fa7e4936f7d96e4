using Microsoft.Extensions.Logging;

namespace Neuromorphic.Traces.Analysis;

/// <summary>
/// The spikes of one inference for a raster plot, time against global neuron index: the mapped
/// neurons' spikes, and the input spikes (the input population's band).
/// </summary>
public sealed record RasterData(int Inference, double[] TimesUs, double[] Neurons, IReadOnlyList<(double Position, string Label)> PopulationStarts,
    double[] InputTimesUs, double[] InputNeurons);

/// <summary>Mean energy per inference by part (femtojoules), per group of inferences.</summary>
public sealed record EnergyBars(string Grouping, IReadOnlyList<string> Groups, double[] SynapseFj, double[] NeuronFj, double[] NetworkFj, double[] StaticFj);

/// <summary>One probed neuron's state after each step of one inference (u, v and threshold in the run's arithmetic).</summary>
public sealed record ProbeSeries(string Name, double[] Steps, double[] U, double[] V, double Threshold);

/// <summary>The probed neurons of one inference, in neuron order.</summary>
public sealed record ProbePlotData(int Inference, IReadOnlyList<ProbeSeries> Neurons);

/// <summary>What the summaries of a trace give the plots: the energy breakdown and every latency.</summary>
public sealed record SummaryPlotData(EnergyBars Energy, double[] LatenciesUs, int InferenceCount);

/// <summary>Extracts the data behind <c>neuro trace plot</c> (drawing is the command line's).</summary>
public static class TracePlotData
{
    /// <summary>With at most this many inferences, the energy chart has one bar per inference; otherwise one per label.</summary>
    public const int MaxBarsPerInference = 40;

    /// <summary>
    /// The spikes and input spikes of <paramref name="inference"/> (default: the first inference that
    /// has any of either), or null when the trace records no spikes (level below <c>spikes</c>) or the inference
    /// has none.
    /// </summary>
    public static RasterData? Raster(string path, int? inference, ILogger? logger = null)
    {
        using var reader = TraceReader.Open(path, new TraceReadOptions { Kinds = TraceKinds.Spikes | TraceKinds.InputEvents, Inference = inference }, logger);
        if (!reader.Header.Level.Records(TraceRecordKind.Spike))
        {
            return null;
        }

        var metadata = RunManifest.Of(reader.Header);
        var times = new List<double>();
        var neurons = new List<double>();
        var inputTimes = new List<double>();
        var inputNeurons = new List<double>();
        var chosen = inference;
        var past = false;
        while (!past && reader.TryReadBlock(out var block))
        {
            if (block.Kind == TraceRecordKind.Spike)
            {
                foreach (ref readonly var spike in block.Spikes)
                {
                    chosen ??= spike.Inference;
                    if (spike.Inference == chosen)
                    {
                        times.Add(spike.TimePs / 1e6);
                        neurons.Add(spike.Neuron);
                    }

                    past |= spike.Inference > chosen;
                }
            }
            else if (block.Kind == TraceRecordKind.InputEvent)
            {
                // An inference's input events are flushed before its spikes, so they never end the search.
                foreach (ref readonly var e in block.InputEvents)
                {
                    chosen ??= e.Inference;
                    if (e.Inference == chosen)
                    {
                        inputTimes.Add(e.TimePs / 1e6);
                        inputNeurons.Add(metadata.InputNeuron(e.Input) ?? e.Input);
                    }
                }
            }
        }

        if (chosen is null || times.Count + inputTimes.Count == 0)
        {
            return null;
        }

        var starts = metadata.Populations.Where(p => p.Size > 0).Select(p => (p.Start - 0.5, p.Name)).ToArray();
        return new RasterData(chosen.Value, times.ToArray(), neurons.ToArray(), starts, inputTimes.ToArray(), inputNeurons.ToArray());
    }

    /// <summary>
    /// The probed neurons of <paramref name="inference"/> (default: the first inference with probe
    /// records), or null when the run probed none.
    /// </summary>
    public static ProbePlotData? Probes(string path, int? inference, ILogger? logger = null)
    {
        using var reader = TraceReader.Open(path, new TraceReadOptions { Kinds = TraceKinds.Probes, Inference = inference }, logger);
        var metadata = RunManifest.Of(reader.Header);
        var byNeuron = new SortedDictionary<int, (List<double> Steps, List<double> U, List<double> V, double Threshold)>();
        var chosen = inference;
        var past = false;
        while (!past && reader.TryReadBlock(out var block))
        {
            foreach (ref readonly var p in block.Probes)
            {
                chosen ??= p.Inference;
                past |= p.Inference > chosen;
                if (p.Inference != chosen)
                {
                    continue;
                }

                if (!byNeuron.TryGetValue(p.Neuron, out var series))
                {
                    series = ([], [], [], p.Threshold);
                    byNeuron[p.Neuron] = series;
                }

                series.Steps.Add(p.Step);
                series.U.Add(p.U);
                series.V.Add(p.V);
            }
        }

        return chosen is null || byNeuron.Count == 0
            ? null
            : new ProbePlotData(chosen.Value, byNeuron.Select(n => new ProbeSeries(metadata.NeuronName(n.Key), n.Value.Steps.ToArray(), n.Value.U.ToArray(),
                n.Value.V.ToArray(), n.Value.Threshold)).ToList());
    }

    public static SummaryPlotData Summaries(string path, ILogger? logger = null)
    {
        using var reader = TraceReader.Open(path, new TraceReadOptions { Kinds = TraceKinds.InferenceSummaries }, logger);
        var summaries = new List<InferenceSummaryRecord>();
        while (reader.TryReadBlock(out var block))
        {
            summaries.AddRange(block.Summaries);
        }

        var latencies = summaries.Select(s => s.LatencyPs / 1e6).ToArray();
        return new SummaryPlotData(Breakdown(summaries), latencies, summaries.Count);
    }

    private static EnergyBars Breakdown(List<InferenceSummaryRecord> summaries)
    {
        IEnumerable<(string Group, InferenceSummaryRecord[] Members)> groups = summaries.Count <= MaxBarsPerInference
            ? summaries.Select(s => (s.Inference.ToString(System.Globalization.CultureInfo.InvariantCulture), new[] { s }))
            : summaries.GroupBy(s => s.Label).OrderBy(g => g.Key)
                .Select(g => (g.Key < 0 ? "unlabeled" : "label " + g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), g.ToArray()));
        var list = groups.ToList();
        double Mean(InferenceSummaryRecord[] members, Func<InferenceSummaryRecord, long> part) => members.Average(m => (double)part(m));
        return new EnergyBars(
            summaries.Count <= MaxBarsPerInference ? "inference" : "label",
            list.Select(g => g.Group).ToArray(),
            list.Select(g => Mean(g.Members, m => m.SynapseFj)).ToArray(),
            list.Select(g => Mean(g.Members, m => m.NeuronFj)).ToArray(),
            list.Select(g => Mean(g.Members, m => m.NetworkFj)).ToArray(),
            list.Select(g => Mean(g.Members, m => m.StaticFj)).ToArray());
    }
}
