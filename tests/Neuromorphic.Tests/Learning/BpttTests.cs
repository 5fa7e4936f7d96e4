using Neuromorphic.Core.Data;
using Neuromorphic.Learning.Mechanism;
using Neuromorphic.Learning.Models;
using Neuromorphic.Learning.TimeConstants;
using Neuromorphic.Learning.Training;
using Xunit.Abstractions;

namespace Neuromorphic.Tests.Learning;

/// <summary>
/// The double-precision BPTT reference of the finite-T dynamics against finite differences of an
/// independent implementation (<see cref="EpReference"/>), and the EP update of training (the SIMD
/// trainer, heterogeneous dt, training T1 and T2) against that BPTT gradient.
/// </summary>
public sealed class BpttTests(ITestOutputHelper output)
{
    private static readonly int[] s_sizes = [6, 5, 4, 3];
    private const int Batch = 4;

    [Theory]
    [InlineData(EpDynamics.Prototypical, 20)]
    [InlineData(EpDynamics.Energy, 20)]
    [InlineData(EpDynamics.Prototypical, 7)]
    [InlineData(EpDynamics.Energy, 7)]
    public void Bptt_matches_finite_differences_of_the_finite_T_loss_with_heterogeneous_dt(EpDynamics dynamics, int steps)
    {
        var (parameters, images) = Problem(seed: 2);
        var reference = new EpReference(parameters);
        var (inputs, targets) = Batches(images);
        var rule = DynamicsNames.Rule(dynamics);
        var finite = new List<double>();
        const double epsilon = 1e-6;
        double Derivative(double[] tensor, int index)
        {
            var saved = tensor[index];
            tensor[index] = saved + epsilon;
            var up = reference.Loss(inputs, targets, steps, rule);
            tensor[index] = saved - epsilon;
            var down = reference.Loss(inputs, targets, steps, rule);
            tensor[index] = saved;
            return (up - down) / (2 * epsilon);
        }

        for (var k = 1; k < s_sizes.Length; k++)
        {
            finite.AddRange(Enumerable.Range(0, s_sizes[k] * s_sizes[k - 1]).Select(i => Derivative(reference.W[k - 1], i)));
            finite.AddRange(Enumerable.Range(0, s_sizes[k]).Select(i => Derivative(reference.B[k - 1], i)));
        }

        var bptt = new ReferenceNetwork(parameters, dynamics).Bptt(inputs, targets, steps).Values.ToArray();
        var norm = Math.Sqrt(finite.Sum(g => g * g));
        Assert.True(norm > 1e-3, $"gradient norm {norm}");
        var error = Math.Sqrt(bptt.Zip(finite, (a, b) => (a - b) * (a - b)).Sum()) / norm;
        output.WriteLine($"{dynamics}, T = {steps}: relative error {error:0.0e0}, norm {norm:0.0000}");
        Assert.True(error < 1e-6, $"relative error {error:0.0e0}");
    }

    [Theory]
    [InlineData(EpDynamics.Prototypical)]
    [InlineData(EpDynamics.Energy)]
    public void Reference_EP_update_equals_the_trainers_signal_at_training_T1_and_T2(EpDynamics dynamics)
    {
        var (parameters, images) = Problem(seed: 3);
        var trainer = TrainerSignal(parameters, images, dynamics, beta: 0.2, freeSteps: 60, nudgedSteps: 20);
        var (inputs, targets) = Batches(images);
        var (update, _) = new ReferenceNetwork(parameters, dynamics).EpUpdate(inputs, targets, 60, 20, 0.2);
        var expected = update.Values.ToArray();
        var error = Math.Sqrt(trainer.Zip(expected, (a, b) => (a - b) * (a - b)).Sum()) / Math.Sqrt(expected.Sum(v => v * v));
        Assert.True(error < 1e-4, $"relative difference {error:0.0e0}");
    }

    [Theory]
    [InlineData(EpDynamics.Prototypical)]
    [InlineData(EpDynamics.Energy)]
    public void Trainers_EP_update_with_heterogeneous_dt_at_training_T1_T2_follows_the_BPTT_gradient(EpDynamics dynamics)
    {
        // Lognormal σ = 0.5 time steps (mean dt 0.5, dt_min 0.05), T1 = 60, T2 = 20 as in training, small β. (Seed 1 is a problem
        // with outputs inside (0, 1); a fully saturated output layer has zero gradient and zero EP signal, and no direction to compare.)
        var (parameters, images) = Problem(seed: 1);
        var signal = TrainerSignal(parameters, images, dynamics, beta: 0.01, freeSteps: 60, nudgedSteps: 20);
        var (inputs, targets) = Batches(images);
        var gradient = new ReferenceNetwork(parameters, dynamics).Bptt(inputs, targets, 60).Values.Select(g => -g).ToArray();
        Assert.True(Math.Sqrt(gradient.Sum(g => g * g)) > 0.1);
        var cosine = Cosine(signal, gradient);
        output.WriteLine($"{dynamics}: cos(EP, −∇BPTT) = {cosine:0.0000}");
        Assert.True(cosine > 0.995, $"cosine {cosine:0.0000}");
    }

    private static double[] TrainerSignal(EpParameters parameters, LabeledImages images, EpDynamics dynamics, double beta, int freeSteps, int nudgedSteps)
    {
        var options = EpReference.Options(s_sizes, Batch, beta, freeSteps, GradientEstimator.Symmetric, dynamics) with { NudgedSteps = nudgedSteps };
        var optimizer = new Optimizer(OptimizerKind.Sgd, 0, 0, Optimizer.TensorLengths(parameters));
        var learner = new BatchLearner(parameters, optimizer, options) { ApplyUpdates = false };
        learner.Train(images, Enumerable.Range(0, Batch).ToArray(), 1, 1, new OutputTally(), new PhaseTally(), new PhaseTally());
        var signal = new List<double>();
        for (var k = 1; k < s_sizes.Length; k++)
        {
            for (var i = 0; i < s_sizes[k]; i++)
            {
                for (var j = 0; j < s_sizes[k - 1]; j++)
                {
                    signal.Add(learner.WeightSignal(k)[i * parameters.Strides[k - 1] + j]);
                }
            }

            signal.AddRange(Enumerable.Range(0, s_sizes[k]).Select(i => (double)learner.BiasSignal(k)[i]));
        }

        return signal.ToArray();
    }

    /// <summary>Random parameters with per-neuron time steps from a mean-dt-matched lognormal(σ = 0.5) draw.</summary>
    private static (EpParameters, LabeledImages) Problem(ulong seed)
    {
        var parameters = EpReference.RandomParameters(s_sizes, seed, 0.5f);
        var draw = TimeStepDraw.Draw(s_sizes[1..], new TimeStepSettings(new TauDistribution(TauFamily.LogNormal, 0.5), 0.5, 0.05), seed);
        parameters.SetTimeSteps(draw.Dt, draw.Tau);
        Assert.True(draw.Dt.SelectMany(d => d).Distinct().Count() > 5);
        return (parameters, EpReference.RandomImages(Batch, s_sizes[0], s_sizes[^1], seed));
    }

    private static (double[][] Inputs, double[][] Targets) Batches(LabeledImages images) =>
        (Enumerable.Range(0, images.Count).Select(b => images.Image(b).ToArray().Select(p => (double)(p * (1f / 255f))).ToArray()).ToArray(),
            Enumerable.Range(0, images.Count).Select(b => Enumerable.Range(0, images.ClassCount).Select(c => c == images.Labels[b] ? 1.0 : 0.0).ToArray()).ToArray());

    private static double Cosine(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum() / Math.Sqrt(a.Sum(x => x * x) * b.Sum(y => y * y));
}
