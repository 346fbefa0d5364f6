using Portway.Host.Cli;

return args.Length == 0 ? Usage.Print(Console.Error) : args[0] switch
{
    "serve" => await ServeCommand.RunAsync(args[1..]),
    "check" => CheckCommand.Run(args[1..], Console.Out, Console.Error),
    "worker" => await WorkerCommand.RunAsync(args[1..]),
    "reload" => ReloadCommand.Run(args[1..], Console.Out, Console.Error),
    "--help" or "-h" or "help" => Usage.Print(Console.Out, exitCode: 0),
    _ => Usage.Print(Console.Error),
};
