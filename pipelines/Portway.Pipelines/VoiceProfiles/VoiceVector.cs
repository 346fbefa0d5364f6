using System.Text.Json;

namespace Portway.Pipelines.VoiceProfiles;

/// <summary>The 8-dimensional vectors of the voice-profile example: exactly 8 finite numbers, each in 0..1.</summary>
internal static class VoiceVector
{
    /// <summary>How many dimensions a vector has.</summary>
    public const int Dimensions = 8;

    /// <summary>How many decimals <see cref="Round(double)"/> keeps.</summary>
    public const int Decimals = 6;

    /// <summary>
    /// Reads a vector from JSON. On failure <paramref name="error"/> is a <c>validation_failed</c> that says
    /// which index is wrong and why, e.g. <c>vector[3] must be between 0 and 1, got 1.5</c>.
    /// </summary>
    public static bool TryRead(JsonElement? json, string field, out double[] vector, out PortwayError? error)
    {
        vector = [];
        error = null;
        if (json is not { ValueKind: JsonValueKind.Array } array)
        {
            error = Invalid(json is null || json.Value.ValueKind == JsonValueKind.Null
                ? $"{field} is required: an array of {Dimensions} numbers from 0 to 1"
                : $"{field} must be an array of {Dimensions} numbers from 0 to 1, got {Describe(json.Value.ValueKind)}");
            return false;
        }

        var length = array.GetArrayLength();
        if (length != Dimensions)
        {
            error = Invalid($"{field} must have exactly {Dimensions} numbers, got {length}");
            return false;
        }

        var values = new double[Dimensions];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number)
            {
                error = Invalid($"{field}[{i}] must be a number, got {Describe(item.ValueKind)}");
                return false;
            }

            if (!item.TryGetDouble(out var value) || !double.IsFinite(value))
            {
                error = Invalid($"{field}[{i}] must be a finite number");
                return false;
            }

            if (!IsInRange(value))
            {
                error = Invalid($"{field}[{i}] must be between 0 and 1, got {value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}");
                return false;
            }

            values[i++] = value;
        }

        vector = values;
        return true;
    }

    /// <summary>True when <paramref name="vector"/> has 8 finite numbers in 0..1.</summary>
    public static bool IsValid(IReadOnlyList<double>? vector)
    {
        if (vector is null || vector.Count != Dimensions)
        {
            return false;
        }

        foreach (var value in vector)
        {
            if (!IsInRange(value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Rounds to 6 decimals (midpoints away from zero) and turns <c>-0</c> into <c>0</c>, so output is stable.</summary>
    public static double Round(double value)
    {
        var rounded = Math.Round(value, Decimals, MidpointRounding.AwayFromZero);
        return rounded == 0 ? 0 : rounded;
    }

    /// <summary><see cref="Round(double)"/> on every element.</summary>
    public static double[] Round(IReadOnlyList<double> vector)
    {
        var rounded = new double[vector.Count];
        for (var i = 0; i < rounded.Length; i++)
        {
            rounded[i] = Round(vector[i]);
        }

        return rounded;
    }

    // NaN fails both comparisons.
    private static bool IsInRange(double value) => value >= 0 && value <= 1;

    private static PortwayError Invalid(string message) => new(ErrorCode.ValidationFailed, message);

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
