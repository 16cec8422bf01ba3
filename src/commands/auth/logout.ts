import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {interactiveFlag} from '../../flags.js'
import {KEYCHAIN_SERVICE} from '../../model.js'
import {profileJson, ProfileJson} from '../../ui/views.js'

export default class AuthLogout extends BaseCommand<ProfileJson> {
  static override summary = 'Delete a login profile and its local data'
  static override description =
    'Deletes a profile of the current environment and its secrets from the keychain. ' +
    'A browser-login profile also has its CLI API key revoked on the server. ' +
    'If the profile was current, no profile is current afterwards. ' +
    'When the keychain is locked nothing is deleted, unless --force: then the profile goes and its keychain entry stays (named, to delete once unlocked).'
  static override examples = ['<%= config.bin %> <%= command.id %> alice@example.com', '<%= config.bin %> <%= command.id %>']
  static override args = {name: Args.string({description: 'Profile name (see `auth list`); interactive runs prompt when omitted'})}
  static override flags = {
    force: Flags.boolean({description: 'Delete the profile even when its secrets are in a locked keychain (the entry stays there)'}),
    interactive: interactiveFlag,
  }

  async run(): Promise<ProfileJson> {
    const {args, flags} = await this.parse(AuthLogout)
    const env = await this.services.environmentStore.current()
    const name = await this.profileName(env, args.name, {interactive: this.interactive(flags.interactive), message: 'Log out of profile'})

    const profileService = await this.services.profileService()
    const {leftBehind, profile} = await profileService.remove(env.apiUrl, name, {force: flags.force})
    if (leftBehind) {
      this.warn(
        `The keychain is locked: the entry of service ${KEYCHAIN_SERVICE}, account ${leftBehind} stays there; ` +
          `delete it once unlocked (e.g. \`secret-tool clear service ${KEYCHAIN_SERVICE} account ${leftBehind}\`)`,
      )
      this.say(`Logged out of ${profile.name}; its profile is deleted.`)
    } else this.say(`Logged out of ${profile.name}; its profile and secrets are deleted.`)
    return profileJson(profile, false)
  }
}
