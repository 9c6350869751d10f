// The `facet` command line: one file per subcommand, registered here.
import { Command } from 'commander';
import pkg from '../../package.json';
import { registerServe } from './serve';
import { registerImport } from './import';
import { registerExport } from './export';
import { registerSegment } from './segment';
import { registerTrain } from './train';
import { registerEval } from './eval';
import { registerInfo } from './info';
import { registerBench } from './bench';
import { reportFailure } from './failure';

const program = new Command()
  .name('facet')
  .description('Facet Studio: 8-class face-part segmentation — annotate, train, evaluate and segment offline.')
  .version(pkg.version)
  .showHelpAfterError();

registerServe(program);
registerImport(program);
registerExport(program);
registerSegment(program);
registerTrain(program);
registerEval(program);
registerInfo(program);
registerBench(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  reportFailure(error);
}
