using System.Globalization;
using System.Text.Json.Nodes;
using Neuromorphic.Core.Data;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Networks;
using Neuromorphic.Core.Progress;

namespace Neuromorphic.Learning.Models;

/// <summary>
/// A trained (or hand-written) layered EP network as a float model: what <c>neuro eval</c> scores
/// and what a chip's accuracy is compared with. Built from a <c>neuromorphic.network/1</c> file of
/// the shape <c>neuro train</c> writes: one <c>input</c> population, a chain of <c>ep-rate</c>
/// populations joined by forward projections [post][pre], and symmetric feedback projections
/// declared with <c>transposeOf</c>.
/// </summary>
public sealed class EpModel
{
    /// <summary>T1 used when a network carries no training metadata.</summary>
    public const int DefaultFreeSteps = 60;

    public const string InputName = "input";
    public const string OutputName = "output";

    public EpModel(EpParameters parameters, int freeSteps, string name, JsonObject? training, EpDynamics dynamics = EpDynamics.Prototypical)
    {
        Parameters = parameters;
        FreeSteps = freeSteps;
        Name = name;
        Training = training;
        Dynamics = dynamics;
    }

    public string Name { get; }

    /// <summary>n_0 (input) … n_L (classes).</summary>
    public IReadOnlyList<int> LayerSizes => Parameters.Sizes;

    public int InputSize => Parameters.InputSize;
    public int ClassCount => Parameters.OutputSize;

    /// <summary>Free-phase steps T1 the model was trained with (used by default at evaluation).</summary>
    public int FreeSteps { get; }

    /// <summary>
    /// The dynamics of the free phase: the model file's <c>training.hyperparameters.primitive</c>
    /// (prototypical when absent). Both have the same fixed points (README, "Both dynamics").
    /// </summary>
    public EpDynamics Dynamics { get; }

    /// <summary>The same network relaxed with other dynamics (the parameters are shared, not copied).</summary>
    public EpModel WithDynamics(EpDynamics dynamics) => dynamics == Dynamics ? this : new EpModel(Parameters, FreeSteps, Name, Training, dynamics);

    /// <summary>The training metadata of the network file, if any.</summary>
    public JsonObject? Training { get; }

    internal EpParameters Parameters { get; }

    /// <summary>Name of hidden layer k (1-based): h1, h2, …</summary>
    public static string HiddenName(int k) => $"h{k}";

    /// <summary>Population name of layer k of an L-layer network.</summary>
    public static string LayerName(int k, int layerCount) => k == 0 ? InputName : k == layerCount ? OutputName : HiddenName(k);

    /// <summary>Loads a network file (see <see cref="NetworkFile.Load"/>) and builds the model.</summary>
    public static EpModel Load(string path) => FromNetwork(NetworkFile.Load(path), path);

    /// <summary>
    /// Builds the float model of <paramref name="network"/>. Throws <see cref="InvalidInputException"/>
    /// (naming <paramref name="file"/>) when the network is not a layered EP network.
    /// </summary>
    public static EpModel FromNetwork(NetworkSpec network, string? file = null)
    {
        InvalidInputException Bad(string field, string value, string expected) => new(file, field, value, expected);

        var inputs = network.Populations.Where(p => p.Model == NeuronModel.Input).ToList();
        if (inputs.Count != 1)
        {
            throw Bad("$.populations", $"{inputs.Count} input populations", "exactly one input population for an EP model");
        }

        foreach (var population in network.Populations)
        {
            if (population.Model == NeuronModel.CubaLif)
            {
                throw Bad($"population \"{population.Name}\".model", "\"cuba-lif\"", "\"ep-rate\" (an EP model has only input and ep-rate populations)");
            }
        }

        var forward = network.Projections.Where(p => p.TransposeOf is null).ToList();
        var chain = new List<Population> { inputs[0] };
        var chainProjections = new List<Projection>();
        while (true)
        {
            var current = chain[^1];
            var outgoing = forward.Where(p => p.From == current).ToList();
            if (outgoing.Count == 0)
            {
                break;
            }

            if (outgoing.Count > 1)
            {
                throw Bad("$.projections", $"{outgoing.Count} projections with weights from \"{current.Name}\" ({string.Join(", ", outgoing.Select(p => p.Name))})",
                    "a layered chain: one forward projection out of each layer (feedback is declared with transposeOf)");
            }

            var next = outgoing[0].To;
            if (chain.Contains(next))
            {
                throw Bad($"projection \"{outgoing[0].Name}\"", $"a loop back to \"{next.Name}\"", "forward projections that never return to an earlier layer");
            }

            chain.Add(next);
            chainProjections.Add(outgoing[0]);
        }

        if (chain.Count < 2)
        {
            throw Bad("$.projections", $"no projection with weights from \"{inputs[0].Name}\"", "a forward projection from the input to the first layer");
        }

        var outside = network.Populations.FirstOrDefault(p => !chain.Contains(p));
        if (outside is not null)
        {
            throw Bad($"population \"{outside.Name}\"", "not on the forward chain from the input", "every ep-rate population in one chain input → … → output");
        }

        var extra = forward.FirstOrDefault(p => !chainProjections.Contains(p));
        if (extra is not null)
        {
            throw Bad($"projection \"{extra.Name}\"", "a projection with weights outside the chain", "only forward projections between consecutive layers");
        }

        foreach (var projection in network.Projections.Where(p => p.TransposeOf is not null))
        {
            var source = chainProjections.FirstOrDefault(p => p.Name == projection.TransposeOf);
            if (source is null)
            {
                throw Bad($"projection \"{projection.Name}\".transposeOf", $"\"{projection.TransposeOf}\"", "the forward projection it mirrors");
            }
        }

        for (var k = 2; k < chain.Count; k++)
        {
            var forwardName = chainProjections[k - 1].Name;
            if (!network.Projections.Any(p => p.TransposeOf == forwardName))
            {
                throw Bad("$.projections", $"no feedback for \"{forwardName}\"",
                    $"symmetric feedback {{\"from\": \"{chain[k].Name}\", \"to\": \"{chain[k - 1].Name}\", \"transposeOf\": \"{forwardName}\"}}");
            }
        }

        if (network.Readout is { } readout && readout.Population != chain[^1].Name)
        {
            throw Bad("$.readout.population", $"\"{readout.Population}\"", $"\"{chain[^1].Name}\", the last layer of the chain");
        }

        var parameters = new EpParameters(chain.Select(p => p.Size).ToArray());
        for (var k = 1; k < chain.Count; k++)
        {
            var ep = chain[k].EpRate!;
            parameters.SetDenseWeights(k, chainProjections[k - 1].Weights);
            var size = chain[k].Size;
            for (var i = 0; i < size; i++)
            {
                parameters.Dt[k - 1][i] = (float)ep.Dt[i];
                parameters.Biases[k - 1][i] = (float)ep.Bias[i];
                parameters.Tau[k - 1][i] = ep.Tau is null ? 1f / parameters.Dt[k - 1][i] : (float)ep.Tau[i];
            }
        }

        var freeSteps = DefaultFreeSteps;
        if (network.Training?["hyperparameters"]?["freeSteps"] is JsonValue stepsNode)
        {
            if (!stepsNode.TryGetValue(out int steps) || steps < 1)
            {
                throw Bad("$.training.hyperparameters.freeSteps", stepsNode.ToJsonString(), "a positive number of free-phase steps");
            }

            freeSteps = steps;
        }

        var dynamics = EpDynamics.Prototypical;
        if (network.Training?["hyperparameters"]?["primitive"] is JsonValue primitiveNode)
        {
            dynamics = primitiveNode.TryGetValue(out string? primitive) && primitive is "prototypical" or "energy"
                ? primitive == "energy" ? EpDynamics.Energy : EpDynamics.Prototypical
                : throw Bad("$.training.hyperparameters.primitive", primitiveNode.ToJsonString(), "\"prototypical\" or \"energy\" (the dynamics the model was trained with)");
        }

        return new EpModel(parameters, freeSteps, network.Name, network.Training, dynamics);
    }

    /// <summary>
    /// The network-file form: populations input, h1 … h_{L−1}, output (ep-rate with per-neuron dt,
    /// tau and bias), forward projections with the weights, feedback projections declared with
    /// transposeOf, read-out from the output.
    /// </summary>
    public NetworkSpec ToNetwork(string name, JsonObject? training)
    {
        var p = Parameters;
        var layers = p.LayerCount;
        var populations = new List<Population> { new(InputName, p.InputSize, NeuronModel.Input) };
        for (var k = 1; k <= layers; k++)
        {
            var size = p.Sizes[k];
            var epParameters = new EpRateParameters(
                PerNeuron.Of(Shortest(p.Dt[k - 1].AsSpan(0, size))),
                PerNeuron.Of(Shortest(p.Biases[k - 1].AsSpan(0, size))),
                PerNeuron.Of(Shortest(p.Tau[k - 1].AsSpan(0, size))));
            populations.Add(new Population(LayerName(k, layers), size, NeuronModel.EpRate, epRate: epParameters));
        }

        var projections = new List<Projection>();
        for (var k = 1; k <= layers; k++)
        {
            projections.Add(new Projection(Projection.DefaultName(populations[k - 1].Name, populations[k].Name), populations[k - 1], populations[k],
                p.DenseWeights(k)));
        }

        for (var k = layers; k >= 2; k--)
        {
            var forward = projections[k - 1];
            projections.Add(new Projection(Projection.DefaultName(populations[k].Name, populations[k - 1].Name), populations[k], populations[k - 1],
                Projection.Transpose(forward.Weights, p.Sizes[k], p.Sizes[k - 1]), forward.Name));
        }

        return new NetworkSpec(name, populations, projections, new Readout(OutputName), training);
    }

    /// <summary>Throws <see cref="InvalidInputException"/> unless images of <paramref name="dataset"/> fit the input and output.</summary>
    public void CheckFits(Dataset dataset, string? modelFile = null)
    {
        if (dataset.PixelsPerImage != InputSize)
        {
            throw new InvalidInputException(modelFile, "input population size", InputSize.ToString(CultureInfo.InvariantCulture),
                $"{dataset.PixelsPerImage}, the pixels per image of {dataset.Name}");
        }

        if (dataset.ClassCount != ClassCount)
        {
            throw new InvalidInputException(modelFile, "output population size", ClassCount.ToString(CultureInfo.InvariantCulture),
                $"{dataset.ClassCount}, the classes of {dataset.Name}");
        }
    }

    /// <summary>Free phase on the first <paramref name="limit"/> images (all when null), scored against their labels.</summary>
    public EvaluationResult Evaluate(LabeledImages images, int? limit = null, int? freeSteps = null, int threads = 0,
        IProgress<WorkProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        CheckImages(images);
        var count = Math.Min(limit ?? images.Count, images.Count);
        return new Evaluator(Parameters, threads, Dynamics).Evaluate(images, count, Steps(freeSteps), progress, cancellationToken);
    }

    /// <summary>Predicted class of every image (the most active output neuron after T1 free steps).</summary>
    public int[] Predict(LabeledImages images, int? freeSteps = null, int threads = 0, CancellationToken cancellationToken = default) =>
        Evaluate(images, null, freeSteps, threads, null, cancellationToken).Predictions;

    /// <summary>Predicted classes of <paramref name="count"/> inputs in [0, 1], given row-major [count × n_0].</summary>
    public int[] Predict(ReadOnlySpan<float> inputs, int count, int? freeSteps = null, int threads = 0)
    {
        var outputs = OutputRates(inputs, count, freeSteps, threads);
        var predictions = new int[count];
        for (var i = 0; i < count; i++)
        {
            predictions[i] = Neuromorphic.Learning.Training.OutputTally.Prediction(outputs.AsSpan(i * ClassCount, ClassCount));
        }

        return predictions;
    }

    /// <summary>Output states s_L in [0, 1] after the free phase, [count × n_L] row-major.</summary>
    public float[] OutputRates(ReadOnlySpan<float> inputs, int count, int? freeSteps = null, int threads = 0)
    {
        if (inputs.Length != count * InputSize)
        {
            throw new ArgumentException($"{inputs.Length} input values for {count} samples of {InputSize}");
        }

        var outputs = new float[count * ClassCount];
        new Evaluator(Parameters, threads, Dynamics).Outputs(inputs, count, Steps(freeSteps), outputs);
        return outputs;
    }

    private int Steps(int? freeSteps)
    {
        var steps = freeSteps ?? FreeSteps;
        if (steps < 1)
        {
            throw new InvalidInputException(null, "FreeSteps", steps.ToString(CultureInfo.InvariantCulture), "a positive number of free-phase steps");
        }

        return steps;
    }

    private void CheckImages(LabeledImages images)
    {
        if (images.PixelsPerImage != InputSize || images.ClassCount != ClassCount)
        {
            throw new InvalidInputException(null, "images", $"{images.PixelsPerImage} pixels, {images.ClassCount} classes",
                $"{InputSize} pixels and {ClassCount} classes, the sizes of model {Name}");
        }
    }

    /// <summary>
    /// Doubles that print as the shortest decimal of each float and convert back to the same float,
    /// so that files read "0.43" rather than "0.4300000071525574".
    /// </summary>
    internal static double[] Shortest(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var text = values[i].ToString("R", CultureInfo.InvariantCulture);
            var candidate = double.Parse(text, CultureInfo.InvariantCulture);
            result[i] = (float)candidate == values[i] ? candidate : values[i];
        }

        return result;
    }
}
