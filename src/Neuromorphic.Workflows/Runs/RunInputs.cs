using Neuromorphic.Core.Data;
using Neuromorphic.Simulation;
using Neuromorphic.Simulation.Input;

namespace Neuromorphic.Workflows.Runs;

/// <summary>
/// The inputs of a run: how many inferences, how to make the input of inference i (called on
/// worker threads), where they came from, and the labelled images (and their class names) when they are images.
/// <see cref="FirstSample"/> is the dataset index of inference 0 (a slice of the test set starts
/// at its offset): traces record <c>FirstSample + i</c> as the sample index of inference i, and
/// Bernoulli inputs are keyed by it, so a slice runs exactly as the same images do in a longer run.
/// </summary>
public sealed record RunInputs(int Count, Func<int, InferenceInput> InputOf, string Source, LabeledImages? Images = null, IReadOnlyList<string>? ClassNames = null)
{
    public int FirstSample { get; init; }

    /// <summary>Every image of <paramref name="images"/>, rate-coded.</summary>
    public static RunInputs FromImages(LabeledImages images, string source, InputEncoding encoding, ulong seed, IReadOnlyList<string>? classNames = null) =>
        FromImages(images, 0, images.Count, source, encoding, seed, classNames);

    /// <summary>
    /// The <paramref name="count"/> images of <paramref name="testSet"/> from <paramref name="offset"/> on,
    /// rate-coded and keyed by their dataset index.
    /// </summary>
    public static RunInputs FromImages(LabeledImages testSet, int offset, int count, string source, InputEncoding encoding, ulong seed,
        IReadOnlyList<string>? classNames = null)
    {
        var images = testSet.Slice(offset, count);
        return new RunInputs(images.Count, i => InferenceInput.FromImage(images.Image(i), images.Labels[i], encoding, seed, offset + i), source, images, classNames)
        {
            FirstSample = offset,
        };
    }

    /// <summary>One inference driven by explicit input events (steps from 1).</summary>
    public static RunInputs FromEvents(IReadOnlyList<(int Step, int Index)> events, string source, int label = -1) =>
        new(1, _ => new EventInput(events) { Label = label }, source);
}
