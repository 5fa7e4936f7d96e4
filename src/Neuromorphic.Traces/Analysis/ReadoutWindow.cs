using Microsoft.Extensions.Logging;

namespace Neuromorphic.Traces.Analysis;

/// <summary>Labelled inferences a read-out window of <see cref="Steps"/> steps classifies correctly.</summary>
public sealed record WindowAccuracy(int Steps, int Correct, int Labelled);

/// <summary>
/// Accuracy against the read-out window, from a trace's output spikes: the accuracy each window of 1..T steps
/// would have given. <see cref="AgreeingWithChip"/>: inferences whose full-window leader equals the chip's recorded decision.
/// </summary>
public sealed record ReadoutWindowData(string Population, IReadOnlyList<WindowAccuracy> Windows, int AgreeingWithChip, int Inferences);

/// <summary>
/// Re-decides each labelled inference of a trace at every read-out window length from its recorded
/// output spikes (counted from the run's <c>countFrom</c>): the class is the output neuron with the most
/// spikes so far, ties to the lower index. The chip breaks ties by the current u, which a trace does
/// not hold, so the full window can differ from the recorded decision on tied inferences; the
/// agreement is reported. An inference that stopped early keeps its last counts. Needs level spikes.
/// </summary>
public static class ReadoutWindow
{
    public static ReadoutWindowData? Of(string path, string? readoutPopulation = null, ILogger? logger = null)
    {
        RunManifest manifest;
        TraceLevel level;
        using (var header = TraceReader.Open(path, new TraceReadOptions { Kinds = TraceKinds.None }, logger))
        {
            manifest = RunManifest.Of(header.Header);
            level = header.Header.Level;
        }

        var output = readoutPopulation is null ? manifest.Populations.LastOrDefault() : manifest.Populations.FirstOrDefault(p => p.Name == readoutPopulation);
        if (!level.Records(TraceRecordKind.Spike) || output is null || output.Size == 0)
        {
            return null;
        }

        var countFrom = manifest.CountFrom ?? 1;
        var maxSteps = manifest.Steps ?? 0;
        var correct = new int[maxSteps + 1];
        int labelled = 0, agreeing = 0, inferences = 0;
        var counts = new int[output.Size];
        var byStep = new List<(int Step, int Output)>();
        foreach (var inference in TraceFile.ReadInferences(path, TraceKinds.Spikes, logger))
        {
            if (inference.Summary is not { } summary)
            {
                continue;
            }

            inferences++;
            byStep.Clear();
            foreach (ref readonly var spike in inference.Spikes.Span)
            {
                if (spike.Neuron >= output.Start && spike.Neuron < output.Start + output.Size && spike.Step >= countFrom)
                {
                    byStep.Add((spike.Step, spike.Neuron - output.Start));
                }
            }

            byStep.Sort();
            Array.Clear(counts);
            var next = 0;
            for (var s = 1; s <= maxSteps; s++)
            {
                while (next < byStep.Count && byStep[next].Step <= s)
                {
                    counts[byStep[next++].Output]++;
                }

                if (summary.Label >= 0 && Leader(counts) == summary.Label)
                {
                    correct[s]++;
                }
            }

            labelled += summary.Label >= 0 ? 1 : 0;
            agreeing += Leader(counts) == summary.Predicted ? 1 : 0;
        }

        return new ReadoutWindowData(output.Name, Enumerable.Range(1, maxSteps).Select(s => new WindowAccuracy(s, correct[s], labelled)).ToList(), agreeing, inferences);
    }

    private static int Leader(int[] counts)
    {
        var best = 0;
        for (var i = 1; i < counts.Length; i++)
        {
            if (counts[i] > counts[best])
            {
                best = i;
            }
        }

        return best;
    }
}
