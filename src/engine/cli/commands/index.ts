/**
 * Registers every docker subcommand with the root command. One import per area; each module
 * calls `registerCommand` for what it adds.
 */
import './network.ts';
