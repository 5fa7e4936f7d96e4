namespace Neuromorphic.Core.Errors;

/// <summary>
/// Bad input from a user: a file, a field or a command-line value that is not what it must be.
/// The command line turns it into exit code 2 and prints <see cref="Exception.Message"/> without a
/// stack trace, so the message names the file, the field, the bad value and what was expected.
/// </summary>
public class InvalidInputException : Exception
{
    public InvalidInputException(string message, Exception? inner = null) : base(message, inner) { }

    public InvalidInputException(string? file, string? field, string? value, string expected, Exception? inner = null)
        : base(Compose(file, field, value, expected), inner)
    {
        File = file;
        Field = field;
        Value = value;
        Expected = expected;
    }

    /// <summary>The file the problem is in, when there is one.</summary>
    public string? File { get; }

    /// <summary>The field (JSON path, header field, option name) that holds the bad value.</summary>
    public string? Field { get; }

    /// <summary>The bad value as text.</summary>
    public string? Value { get; }

    /// <summary>What the field must hold instead.</summary>
    public string? Expected { get; }

    /// <summary>
    /// The same problem with <see cref="Field"/> renamed: a front end's name for a request property
    /// (the command line's flag for a property that a library validated).
    /// </summary>
    public InvalidInputException WithField(string field) =>
        Expected is null ? this : new InvalidInputException(File, field, Value, Expected, this);

    private static string Compose(string? file, string? field, string? value, string expected)
    {
        var where = (file, field) switch
        {
            (not null, not null) => $"{file}: {field}",
            (not null, null) => file,
            (null, not null) => field,
            _ => "input",
        };
        return value is null ? $"{where}: expected {expected}" : $"{where}: got {value}, expected {expected}";
    }
}
