using Neuromorphic.Core.Errors;
using Neuromorphic.Learning.Kernels;

namespace Neuromorphic.Learning.Models;

/// <summary>How the states of an EP network move towards their fixed point (src/Neuromorphic.Learning/README.md).</summary>
public enum EpDynamics
{
    /// <summary>
    /// s ← s + dt·(ρ(∂Φ^β/∂s) − s) with the prototypical primitive Φ = Σ_k s_kᵀ(W_k s_{k−1} + b_k)
    /// (Ernoult et al. 2019; Laborieux et al. 2021). The default.
    /// </summary>
    Prototypical,

    /// <summary>
    /// The energy-based (continuous Hopfield) form of Scellier and Bengio 2017:
    /// s ← clip(s + dt·(−s + ρ′(s)·(Σ W ρ(s) + b) − β∂C/∂s), 0, 1).
    /// </summary>
    Energy,
}

/// <summary>Where the nudge β(y − s_L) enters the output's update in the prototypical dynamics.</summary>
public enum OutputNudge
{
    /// <summary>Inside ρ, from Φ^β = Φ − β·½‖s_L − y‖² (Laborieux et al. 2021). The default.</summary>
    Inside,

    /// <summary>
    /// After ρ, as in the released code of Ernoult et al. 2019: the output may leave [0, 1] in the
    /// nudged phases, so a dead output (drive below −β for every input) keeps a learning signal.
    /// The free phase, and so the trained model's meaning, is unchanged.
    /// </summary>
    Outside,
}

/// <summary>The names of <see cref="EpDynamics"/> and <see cref="OutputNudge"/> on command lines and in model files.</summary>
public static class DynamicsNames
{
    public static readonly IReadOnlyList<string> Dynamics = ["prototypical", "energy"];
    public static readonly IReadOnlyList<string> Nudges = ["inside", "outside"];

    public static string Name(EpDynamics dynamics) => Dynamics[(int)dynamics];

    public static string Name(OutputNudge nudge) => Nudges[(int)nudge];

    /// <summary>Parses a dynamics name; errors name <paramref name="property"/>.</summary>
    public static EpDynamics ParseDynamics(string text, string property = "Dynamics") => (EpDynamics)IndexOf(Dynamics, text, property);

    /// <summary>Parses a nudge placement; errors name <paramref name="property"/>.</summary>
    public static OutputNudge ParseNudge(string text, string property = "Nudge") => (OutputNudge)IndexOf(Nudges, text, property);

    /// <summary>
    /// The value of <c>training.hyperparameters.primitive</c> in a model file: the primitive function
    /// Φ of the prototypical dynamics, or the energy function E of the energy-based one.
    /// </summary>
    public static string Primitive(EpDynamics dynamics) => dynamics == EpDynamics.Energy ? "energy" : "prototypical";

    /// <summary>The value of <c>training.hyperparameters.nudge</c>.</summary>
    public static string NudgeRecord(EpDynamics dynamics, OutputNudge nudge) =>
        dynamics == EpDynamics.Energy ? "cost-gradient" : nudge == OutputNudge.Outside ? "outside-rho" : "inside-rho";

    internal static StepRuleKind Rule(EpDynamics dynamics, OutputNudge nudge = OutputNudge.Inside) =>
        dynamics == EpDynamics.Energy ? StepRuleKind.Energy : nudge == OutputNudge.Outside ? StepRuleKind.OutsideNudge : StepRuleKind.Prototypical;

    private static int IndexOf(IReadOnlyList<string> names, string text, string property)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        throw new InvalidInputException(null, property, $"\"{text}\"", $"one of {string.Join(", ", names)}");
    }
}
