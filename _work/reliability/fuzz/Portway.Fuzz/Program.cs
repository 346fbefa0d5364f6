using System.Text;
using Portway.Fuzz;
using SharpFuzz;

// dotnet Portway.Fuzz.dll frame|envelope|config            run under afl-fuzz (SharpFuzz's out-of-process loop)
// dotnet Portway.Fuzz.dll seed DIR                         write the seed corpus (DIR/frame, DIR/envelope; config seeds are files)
// dotnet Portway.Fuzz.dll replay frame|envelope|config FILE...   run inputs once each, print what escaped (crash triage)
if (args.Length >= 2 && args[0] == "seed")
{
    Seeds.Write(args[1]);
    return 0;
}

if (args.Length >= 3 && args[0] == "replay")
{
    var failed = 0;
    foreach (var file in args[2..])
    {
        try
        {
            Run(args[1], File.ReadAllBytes(file));
            Console.WriteLine($"ok    {file}");
        }
        catch (Exception ex)
        {
            failed++;
            Console.WriteLine($"CRASH {file}: {ex.GetType().Name}: {ex.Message}");
            Console.WriteLine(ex.StackTrace?.Split('\n').Take(6).Aggregate((a, b) => a + "\n" + b));
        }
    }

    return failed == 0 ? 0 : 1;
}

if (args.Length != 1 || args[0] is not ("frame" or "envelope" or "config"))
{
    Console.Error.WriteLine("usage: Portway.Fuzz frame|envelope|config | seed DIR | replay TARGET FILE...");
    return 2;
}

var target = args[0];
Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    Run(target, buffer.ToArray());
});
return 0;

static void Run(string target, byte[] input)
{
    switch (target)
    {
        case "frame":
            FuzzTargets.Frames(input);
            break;
        case "envelope":
            FuzzTargets.Envelope(input);
            break;
        default:
            // As the loader gets a file: bytes decoded as UTF-8 (the CLI refuses invalid UTF-8 before this).
            FuzzTargets.Config(Encoding.UTF8.GetString(input));
            break;
    }
}
