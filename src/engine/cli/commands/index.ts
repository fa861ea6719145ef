/**
 * Registers every docker subcommand with the root command. One import per area; each module
 * calls `registerCommand` for what it adds.
 */
import './network.ts';
import './swarm.ts';
import './service.ts';
import './node.ts';
import './system.ts';
import './version.ts';
import './info.ts';
import './container.ts';
import './image.ts';
import './inspect.ts';
import './registry.ts';
import '../../compose/docker-command.ts';
import './volume.ts';
import './container-update.ts';
import './image-transfer.ts';
import './recorded-extras.ts';
import './events.ts';
