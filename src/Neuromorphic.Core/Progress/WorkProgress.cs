namespace Neuromorphic.Core.Progress;

/// <summary>
/// A progress report from long work (training, a batch of inferences). Libraries report through
/// <see cref="IProgress{T}"/> and never print; the command line draws a bar on a terminal and
/// writes periodic log lines otherwise.
/// </summary>
/// <param name="Stage">What is being done ("epoch 3/30", "inferences").</param>
/// <param name="Done">Units completed so far.</param>
/// <param name="Total">Units in all (0 when unknown).</param>
/// <param name="Detail">A short status (running accuracy, loss), or null.</param>
public readonly record struct WorkProgress(string Stage, long Done, long Total, string? Detail = null);
