using Neuromorphic.Core.Data;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Networks;
using Neuromorphic.Learning.Models;

namespace Neuromorphic.Workflows.Runs;

/// <summary>
/// The float model of a layered EP network (its own free phase, no chip) on a set of images: what
/// a chip's accuracy is measured against. Predictions are computed once, on first use, and shared
/// by every run of the same images (the demo's configurations).
/// </summary>
public sealed class FloatReference
{
    private readonly Lazy<int[]> _predictions;

    private FloatReference(EpModel model, LabeledImages images, int threads)
    {
        Model = model;
        Images = images;
        _predictions = new Lazy<int[]>(() => model.Predict(images, threads: threads), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public EpModel Model { get; }

    public LabeledImages Images { get; }

    /// <summary>The float model's class for each image.</summary>
    public IReadOnlyList<int> Predictions => _predictions.Value;

    /// <summary>Share of the images the float model classifies correctly.</summary>
    public double Accuracy
    {
        get
        {
            var p = _predictions.Value;
            var correct = 0;
            for (var i = 0; i < p.Length; i++)
            {
                correct += p[i] == Images.Labels[i] ? 1 : 0;
            }

            return p.Length == 0 ? double.NaN : (double)correct / p.Length;
        }
    }

    /// <summary>The float reference of <paramref name="network"/> on <paramref name="images"/>, or null when it is not a layered EP network.</summary>
    public static FloatReference? Of(NetworkSpec network, LabeledImages images, int threads)
    {
        try
        {
            return new FloatReference(EpModel.FromNetwork(network), images, threads);
        }
        catch (InvalidInputException)
        {
            return null;
        }
    }
}
