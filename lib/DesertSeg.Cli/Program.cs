Console.WriteLine("desertseg: commands arrive with the data layer.");
