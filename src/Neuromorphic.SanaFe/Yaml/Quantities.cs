using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Neuromorphic.SanaFe.Yaml;

/// <summary>
/// SI quantities between SANA-FE's files (joules, seconds) and ours (pJ, ns), converted in decimal so
/// that a value means what its text says: <c>35.5e-12</c> J is 35.5 pJ, not 35.500000000000007.
/// A value written as <c>M e-12</c> (energies) or <c>M e-9</c> (times) keeps the spelling of its
/// mantissa <c>M</c> (<c>0.0e-12</c> is <c>0.0</c> pJ), which is also how an exported chip comes back
/// to the same resolved JSON and hash.
/// </summary>
internal static partial class Quantities
{
    public const int Pico = 12;
    public const int Nano = 9;

    /// <summary>The value of SI text <paramref name="text"/> in units of 10^-<paramref name="exponent"/>, as a JSON number.</summary>
    public static JsonNode FromSi(string text, int exponent)
    {
        var match = MantissaExponent().Match(text.Trim());
        if (match.Success && int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) == -exponent)
        {
            var mantissa = match.Groups[1].Value.TrimStart('+');
            if (JsonNumber().IsMatch(mantissa))
            {
                return JsonNode.Parse(mantissa)!;
            }
        }

        return JsonValue.Create(ScaleValue(text, exponent))!;
    }

    /// <summary>The value of SI text in units of 10^-exponent, as a double (decimal scaling when it fits).</summary>
    public static double ScaleValue(string text, int exponent)
    {
        if (decimal.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            try
            {
                for (var i = 0; i < exponent; i++)
                {
                    d *= 10;
                }

                return (double)d;
            }
            catch (OverflowException)
            {
            }
        }

        return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture) * Math.Pow(10, exponent);
    }

    /// <summary>
    /// SI text for a value given in units of 10^-exponent, as the JSON spells it: <c>35.5</c> pJ becomes
    /// <c>35.5e-12</c>; a spelling with its own exponent is converted in decimal.
    /// </summary>
    public static string ToSi(JsonNode number, int exponent)
    {
        var text = number.ToJsonString();
        if (JsonNumber().IsMatch(text))
        {
            return $"{text}e-{exponent}";
        }

        var value = decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        for (var i = 0; i < exponent; i++)
        {
            value /= 10;
        }

        return value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Sum of two JSON numbers in decimal; when one is zero the other keeps its spelling.</summary>
    public static JsonNode Add(JsonNode a, JsonNode b)
    {
        var x = decimal.Parse(a.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
        var y = decimal.Parse(b.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
        if (y == 0)
        {
            return a.DeepClone();
        }

        if (x == 0)
        {
            return b.DeepClone();
        }

        return JsonValue.Create((double)(x + y))!;
    }

    public static double Value(JsonNode number) => number.GetValue<double>();

    [GeneratedRegex(@"^([+-]?\d+(?:\.\d+)?)[eE]([+-]?\d+)$")]
    private static partial Regex MantissaExponent();

    [GeneratedRegex(@"^-?(?:0|[1-9]\d*)(?:\.\d+)?$")]
    private static partial Regex JsonNumber();
}
