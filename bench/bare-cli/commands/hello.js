import {Command} from '@oclif/core'

/** The trivial command: parse, print one line. */
export default class Hello extends Command {
  static summary = 'Print one line'
  static enableJsonFlag = true

  async run() {
    await this.parse(Hello)
    this.log('hello')
    return {hello: true}
  }
}
