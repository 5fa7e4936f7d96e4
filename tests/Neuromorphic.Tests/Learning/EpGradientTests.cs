using Neuromorphic.Learning.Kernels;
using Neuromorphic.Learning.Models;
using Neuromorphic.Learning.TimeConstants;
using Neuromorphic.Learning.Training;

namespace Neuromorphic.Tests.Learning;

/// <summary>The science of EP: fixed points, their independence of dt, and the EP update against the true gradient.</summary>
public sealed class EpGradientTests
{
    private static readonly int[] s_sizes = [6, 5, 4, 3];
    private const int Batch = 4;

    [Theory]
    [InlineData(EpDynamics.Prototypical)]
    [InlineData(EpDynamics.Energy)]
    public void Symmetric_update_matches_the_finite_difference_gradient_at_the_free_fixed_point(EpDynamics dynamics)
    {
        var (signal, gradient) = Compare(GradientEstimator.Symmetric, beta: 0.01, dynamics);
        var cosine = Cosine(signal, gradient.Select(g => -g).ToArray());
        Assert.True(cosine >= 0.99, $"cosine {cosine:0.0000}");
    }

    [Fact]
    public void Both_dynamics_settle_to_the_same_fixed_point_and_so_have_the_same_gradient_there()
    {
        var parameters = EpReference.RandomParameters(s_sizes, 3, 0.5f);
        var draw = TimeStepDraw.Draw(s_sizes[1..], new TimeStepSettings(new TauDistribution(TauFamily.LogNormal, 0.5), 0.5, 0.1), 4);
        parameters.SetTimeSteps(draw.Dt, draw.Tau);
        var images = EpReference.RandomImages(Batch, s_sizes[0], s_sizes[^1], 3);
        var prototypical = Relax(parameters, images, 1500);
        var energy = Relax(parameters, images, 1500, EpDynamics.Energy);
        for (var k = 0; k < parameters.LayerCount; k++)
        {
            for (var i = 0; i < prototypical.Free[k].Length; i++)
            {
                Assert.True(Math.Abs(prototypical.Free[k][i] - energy.Free[k][i]) < 1e-5, $"layer {k + 1} entry {i}: {prototypical.Free[k][i]} vs {energy.Free[k][i]}");
            }
        }

        Assert.Equal(s_gradient.Value, s_energyGradient.Value, (a, b) => Math.Abs(a - b) <= 1e-6 * (1 + Math.Abs(a)));
    }

    [Fact]
    public void Energy_transient_differs_from_the_prototypical_one()
    {
        var parameters = EpReference.RandomParameters(s_sizes, 3, 0.5f);
        var images = EpReference.RandomImages(Batch, s_sizes[0], s_sizes[^1], 3);
        var prototypical = Relax(parameters, images, 3);
        var energy = Relax(parameters, images, 3, EpDynamics.Energy);
        var difference = prototypical.Free.Zip(energy.Free, (a, b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max()).Max();
        Assert.True(difference > 1e-3, $"largest difference after 3 steps {difference}");
    }

    [Fact]
    public void Symmetric_bias_shrinks_as_beta_squared_and_one_sided_as_beta()
    {
        double Error(GradientEstimator estimator, double beta)
        {
            var (signal, gradient) = Compare(estimator, beta);
            var norm = Math.Sqrt(gradient.Sum(g => g * g));
            return Math.Sqrt(signal.Zip(gradient, (s, g) => (s + g) * (s + g)).Sum()) / norm;
        }

        var symmetricRatio = Error(GradientEstimator.Symmetric, 0.2) / Error(GradientEstimator.Symmetric, 0.1);
        var oneSidedRatio = Error(GradientEstimator.OneSided, 0.2) / Error(GradientEstimator.OneSided, 0.1);
        Assert.InRange(symmetricRatio, 3.0, 5.5);
        Assert.InRange(oneSidedRatio, 1.6, 2.6);
    }

    [Fact]
    public void Converged_free_state_satisfies_s_equals_rho_of_dPhi_ds()
    {
        var parameters = EpReference.RandomParameters(s_sizes, 3, 0.5f);
        var images = EpReference.RandomImages(Batch, s_sizes[0], s_sizes[^1], 3);
        var relaxation = Relax(parameters, images, 400);
        var reference = new EpReference(parameters);
        for (var b = 0; b < Batch; b++)
        {
            var x = Input(images, b);
            var states = States(relaxation, parameters, b);
            for (var k = 1; k < s_sizes.Length; k++)
            {
                for (var i = 0; i < s_sizes[k]; i++)
                {
                    var rate = Math.Clamp(reference.Drive(states, x, k, i), 0, 1);
                    Assert.True(Math.Abs(states[k - 1][i] - rate) < 1e-5, $"layer {k} neuron {i}: s = {states[k - 1][i]}, ρ(∂Φ/∂s) = {rate}");
                }
            }
        }
    }

    [Fact]
    public void Fixed_point_does_not_depend_on_the_per_neuron_time_steps()
    {
        var homogeneous = EpReference.RandomParameters(s_sizes, 5, 0.5f);
        var heterogeneous = homogeneous.Clone();
        var draw = TimeStepDraw.Draw(s_sizes[1..], new TimeStepSettings(new TauDistribution(TauFamily.LogNormal, 1.0), 0.4, 0.1), 11);
        heterogeneous.SetTimeSteps(draw.Dt, draw.Tau);
        Assert.True(draw.Dt.SelectMany(d => d).Distinct().Count() > 5);
        var images = EpReference.RandomImages(Batch, s_sizes[0], s_sizes[^1], 5);
        var a = Relax(homogeneous, images, 1500);
        var b = Relax(heterogeneous, images, 1500);
        for (var k = 0; k < homogeneous.LayerCount; k++)
        {
            for (var i = 0; i < a.Free[k].Length; i++)
            {
                Assert.True(Math.Abs(a.Free[k][i] - b.Free[k][i]) < 1e-5, $"layer {k + 1} entry {i}: {a.Free[k][i]} vs {b.Free[k][i]}");
            }
        }
    }

    private const int Steps = 500;
    private static readonly Lazy<double[]> s_gradient = new(() => FiniteDifferenceGradient(StepRuleKind.Prototypical));
    private static readonly Lazy<double[]> s_energyGradient = new(() => FiniteDifferenceGradient(StepRuleKind.Energy));

    /// <summary>The EP learning signal of every parameter and the finite-difference gradient of the loss, in the same order.</summary>
    private static (double[] Signal, double[] Gradient) Compare(GradientEstimator estimator, double beta, EpDynamics dynamics = EpDynamics.Prototypical)
    {
        var (parameters, images) = Problem();
        var options = EpReference.Options(s_sizes, Batch, beta, Steps, estimator, dynamics);
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

                signal.Add(learner.BiasSignal(k)[i]);
            }
        }

        return (signal.ToArray(), dynamics == EpDynamics.Energy ? s_energyGradient.Value : s_gradient.Value);
    }

    private static (EpParameters Parameters, Neuromorphic.Core.Data.LabeledImages Images) Problem() =>
        (EpReference.RandomParameters(s_sizes, 1, 0.5f), EpReference.RandomImages(Batch, s_sizes[0], s_sizes[^1], 1));

    /// <summary>dL/dθ by central differences of the loss at the free fixed point, computed in double precision.</summary>
    private static double[] FiniteDifferenceGradient(StepRuleKind rule)
    {
        var (parameters, images) = Problem();
        var reference = new EpReference(parameters);
        var inputs = Enumerable.Range(0, Batch).Select(b => Input(images, b)).ToArray();
        var targets = Enumerable.Range(0, Batch).Select(b => Enumerable.Range(0, s_sizes[^1]).Select(c => c == images.Labels[b] ? 1.0 : 0.0).ToArray()).ToArray();
        var gradient = new List<double>();
        const double epsilon = 1e-6;
        double Derivative(double[] tensor, int index)
        {
            var saved = tensor[index];
            tensor[index] = saved + epsilon;
            var up = reference.Loss(inputs, targets, Steps, rule);
            tensor[index] = saved - epsilon;
            var down = reference.Loss(inputs, targets, Steps, rule);
            tensor[index] = saved;
            return (up - down) / (2 * epsilon);
        }

        for (var k = 1; k < s_sizes.Length; k++)
        {
            for (var i = 0; i < s_sizes[k]; i++)
            {
                for (var j = 0; j < s_sizes[k - 1]; j++)
                {
                    gradient.Add(Derivative(reference.W[k - 1], i * s_sizes[k - 1] + j));
                }

                gradient.Add(Derivative(reference.B[k - 1], i));
            }
        }

        return gradient.ToArray();
    }

    private static Relaxation Relax(EpParameters parameters, Neuromorphic.Core.Data.LabeledImages images, int steps, EpDynamics dynamics = EpDynamics.Prototypical)
    {
        var relaxation = new Relaxation(parameters, images.Count, DynamicsNames.Rule(dynamics));
        for (var b = 0; b < images.Count; b++)
        {
            relaxation.SetInput(b, images.Image(b));
        }

        relaxation.Project(images.Count, 1);
        relaxation.RelaxFree(images.Count, steps, 1);
        return relaxation;
    }

    private static double[] Input(Neuromorphic.Core.Data.LabeledImages images, int b) => images.Image(b).ToArray().Select(p => p * (1.0 / 255.0)).Select(v => (double)(float)v).ToArray();

    private static double[][] States(Relaxation relaxation, EpParameters parameters, int b) =>
        Enumerable.Range(1, parameters.LayerCount)
            .Select(k => relaxation.Free[k - 1].AsSpan(b * parameters.Strides[k], parameters.Sizes[k]).ToArray().Select(v => (double)v).ToArray())
            .ToArray();

    private static double Cosine(double[] a, double[] b) =>
        a.Zip(b, (x, y) => x * y).Sum() / Math.Sqrt(a.Sum(x => x * x) * b.Sum(y => y * y));
}
