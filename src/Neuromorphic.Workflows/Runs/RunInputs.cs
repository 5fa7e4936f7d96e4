using Neuromorphic.Core.Data;
using Neuromorphic.Simulation;
using Neuromorphic.Simulation.Input;

namespace Neuromorphic.Workflows.Runs;

/// <summary>
/// The inputs of a run: how many inferences, how to make the input of inference i (called on
/// worker threads), where they came from, and the labelled images (and their class names) when they are images.
/// </summary>
public sealed record RunInputs(int Count, Func<int, InferenceInput> InputOf, string Source, LabeledImages? Images = null, IReadOnlyList<string>? ClassNames = null)
{
    /// <summary>Every image of <paramref name="images"/>, rate-coded.</summary>
    public static RunInputs FromImages(LabeledImages images, string source, InputEncoding encoding, ulong seed, IReadOnlyList<string>? classNames = null) =>
        new(images.Count, i => InferenceInput.FromImage(images.Image(i), images.Labels[i], encoding, seed, i), source, images, classNames);

    /// <summary>One inference driven by explicit input events (steps 0-based).</summary>
    public static RunInputs FromEvents(IReadOnlyList<(int Step, int Index)> events, string source, int label = -1) =>
        new(1, _ => new EventInput(events) { Label = label }, source);
}
