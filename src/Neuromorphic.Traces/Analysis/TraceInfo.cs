using Microsoft.Extensions.Logging;

namespace Neuromorphic.Traces.Analysis;

/// <summary>Blocks, records and bytes of one record kind in a trace.</summary>
public sealed record TraceKindInfo(TraceRecordKind Kind, long Blocks, long Records, long StoredBytes)
{
    /// <summary>Bytes of the records before encoding.</summary>
    public long RawBytes => Records * TraceRecordKinds.RecordSize(Kind);
}

/// <summary>Means and extremes over the inferences of a trace.</summary>
public sealed record InferenceStatistics(
    long Count,
    long Labeled,
    long Correct,
    long EarlyExits,
    double MeanSteps,
    double MeanLatencyPs,
    long MinLatencyPs,
    long MaxLatencyPs,
    double MeanTotalFj,
    double MeanSynapseFj,
    double MeanNeuronFj,
    double MeanNetworkFj,
    double MeanStaticFj,
    double MeanSpikes,
    double MeanSynapticOps,
    double MeanMessages)
{
    /// <summary>Share of labeled inferences predicted right, or NaN without labels.</summary>
    public double Accuracy => Labeled == 0 ? double.NaN : (double)Correct / Labeled;
}

/// <summary>What <c>neuro trace info</c> shows: the header, the contents per kind, inference statistics, and integrity.</summary>
public sealed record TraceInfo(
    string Path,
    long FileBytes,
    long HeaderBytes,
    TraceHeader Header,
    IReadOnlyList<TraceKindInfo> Kinds,
    long Blocks,
    InferenceStatistics Inferences,
    TraceDamage? Damage,
    TraceEnd? End)
{
    /// <summary>
    /// Reads a trace once, returning only the inference summaries but decoding and checking every
    /// block as <see cref="TraceVerifier"/> does (so both name the same first bad block). A damaged trace gives the
    /// information up to the damage (and the damage); a trace whose header is unreadable is bad input.
    /// </summary>
    public static TraceInfo Scan(string path, ILogger? logger = null)
    {
        var fileBytes = new FileInfo(path).Exists ? new FileInfo(path).Length : 0;
        using var reader = TraceReader.Open(path, new TraceReadOptions { Kinds = TraceKinds.InferenceSummaries, CheckEveryBlock = true }, logger);
        var stats = new InferenceAccumulator();
        while (reader.TryReadBlock(out var block))
        {
            foreach (ref readonly var summary in block.Summaries)
            {
                stats.Add(in summary);
            }
        }

        var kinds = TraceRecordKinds.All
            .Select(k => new TraceKindInfo(k, reader.BlocksOfKind(k), reader.RecordsRead(k), reader.StoredBytes(k)))
            .ToArray();
        return new TraceInfo(path, fileBytes, reader.HeaderBytes, reader.Header, kinds, reader.BlocksRead, stats.Result(), reader.Damage, reader.End);
    }

    private sealed class InferenceAccumulator
    {
        private long _count, _labeled, _correct, _early, _minLatency = long.MaxValue, _maxLatency = long.MinValue;
        private double _steps, _latency, _total, _synapse, _neuron, _network, _static, _spikes, _synops, _messages;

        public void Add(in InferenceSummaryRecord s)
        {
            _count++;
            if (s.Label >= 0)
            {
                _labeled++;
                _correct += s.Correct ? 1 : 0;
            }

            _early += s.ExitedEarly ? 1 : 0;
            _steps += s.Steps;
            _latency += s.LatencyPs;
            _minLatency = Math.Min(_minLatency, s.LatencyPs);
            _maxLatency = Math.Max(_maxLatency, s.LatencyPs);
            _total += s.TotalFj;
            _synapse += s.SynapseFj;
            _neuron += s.NeuronFj;
            _network += s.NetworkFj;
            _static += s.StaticFj;
            _spikes += s.Spikes;
            _synops += s.SynapticOps;
            _messages += s.Messages;
        }

        public InferenceStatistics Result()
        {
            double Mean(double sum) => _count == 0 ? 0 : sum / _count;
            return new InferenceStatistics(_count, _labeled, _correct, _early, Mean(_steps), Mean(_latency),
                _count == 0 ? 0 : _minLatency, _count == 0 ? 0 : _maxLatency, Mean(_total), Mean(_synapse), Mean(_neuron),
                Mean(_network), Mean(_static), Mean(_spikes), Mean(_synops), Mean(_messages));
        }
    }
}
